import type { RecordRef } from '../../events/run-event.js';
import { aggregateResults, toAzureResultName } from '../../events/task-result.js';
import type { JobRunContext } from '../job-run-context.js';
import type { StepState } from '../job-state.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import { taskJobStateOf } from './task-job-state.js';

/**
 * Runs the post-job steps that tasks registered, in reverse order of
 * registration as the agent does, each as its own step record numbered from
 * `firstIndex`. They run after a failure or cancel too; each step decides
 * whether it has work (Cache@2 saves only after success).
 */
export async function runPostJobSteps(context: JobRunContext, firstIndex: number): Promise<void> {
  const { job, request } = context;
  const steps = [...taskJobStateOf(context).postJobSteps].reverse();
  for (const [offset, step] of steps.entries()) {
    const index = firstIndex + offset;
    const record: RecordRef = { id: `${request.record.id}.${index}`, parentId: request.record.id, type: 'step', name: `__postjob${index}`, displayName: step.displayName };
    const state: StepState = { recordId: record.id };
    job.events.recordStarted(record);

    let outcome;
    try {
      outcome = await step.run(context, state);
    } catch (error) {
      outcome = { result: 'failed' as const, code: RunnerErrorCode.TaskOperationFailed, reason: `${step.displayName} failed: ${(error as Error).message}` };
    }
    if ('skipped' in outcome) {
      job.events.recordFinished(record, 'skipped', outcome.skipped);
      continue;
    }
    if (outcome.result === 'failed' && outcome.reason) job.events.issue(record.id, 'error', outcome.reason, { code: outcome.code });
    job.events.recordFinished(record, outcome.result, outcome.reason);
    context.jobResult = aggregateResults([context.jobResult, outcome.result]);
    job.variables.set('Agent.JobStatus', toAzureResultName(context.jobResult), { readonly: true });
  }
}
