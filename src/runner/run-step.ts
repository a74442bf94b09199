import { toAzureResultName, aggregateResults, type TaskResult } from '../events/task-result.js';
import type { RecordRef } from '../events/run-event.js';
import { evaluateCondition } from '../language/expressions/evaluate-expression.js';
import type { ExpressionObject } from '../language/expressions/expression-context.js';
import type { StepDefinition } from '../language/pipeline/pipeline-model.js';
import { delay } from './job-control.js';
import type { JobRunContext } from './job-run-context.js';
import type { StepState } from './job-state.js';
import { runScriptStep, type StepAttemptResult } from './run-script-step.js';
import { runCheckoutStep, runUsePythonVersion } from './run-special-steps.js';
import { RunnerErrorCode } from './runner-error-codes.js';
import { resolveStepAction } from './step-action.js';
import { defaultStepDisplayName } from '../language/pipeline/default-step-display-name.js';
import { macroExpander } from './step-environment.js';
import { lookupTask } from './task-registry.js';
import { findTaskPackage } from './task-packages/load-task-packages.js';
import { runTaskPackage } from './task-packages/run-task-package.js';
import { runBuiltinTask } from './tasks/builtin-tasks.js';
import { taskJobStateOf } from './tasks/task-job-state.js';

/** Most retries Azure allows for `retryCountOnTaskFailure` (learn.microsoft.com …/process/tasks). */
export const MAX_TASK_RETRIES = 10;

/** The default step condition: run when nothing in the job has failed (learn.microsoft.com …/process/conditions). */
const DEFAULT_CONDITION = 'succeeded()';

function variablesObject(context: JobRunContext): ExpressionObject {
  const object: ExpressionObject = {};
  for (const variable of context.job.variables.all()) object[variable.name] = variable.value;
  return object;
}

/** Evaluates the step's condition with Agent.JobStatus so far; an invalid condition fails the step. */
function checkCondition(context: JobRunContext, step: StepDefinition): { run: boolean; failure?: string } {
  const text = step.condition?.value.trim() || DEFAULT_CONDITION;
  try {
    const run = evaluateCondition(
      text,
      {
        mode: 'condition',
        namedValues: { variables: variablesObject(context) },
        status: { canceled: context.control.canceled, jobStatus: toAzureResultName(context.jobResult) },
      },
      step.condition?.location,
    );
    return { run };
  } catch (error) {
    return { run: false, failure: `condition '${text}' could not be evaluated: ${(error as Error).message}` };
  }
}

async function runAttempt(context: JobRunContext, step: StepDefinition, state: StepState): Promise<StepAttemptResult> {
  // A built-in task wins over a task package of the same name, as in Azure (learn.microsoft.com …/process/tasks).
  if (step.type === 'task' && !lookupTask(step.task, step.version)) {
    const packaged = findTaskPackage(taskJobStateOf(context).services.taskPackages, step.task, step.version);
    if (packaged) return runTaskPackage(context, step, packaged, state);
  }
  const action = resolveStepAction(step, macroExpander(context));
  switch (action.kind) {
    case 'invalid':
      return { result: 'failed', code: action.code, reason: action.message };
    case 'noop':
      context.job.events.log(state.recordId, 'system', action.message);
      return { result: 'succeeded' };
    case 'checkout':
      return runCheckoutStep(context, action.step, state);
    case 'python':
      return runUsePythonVersion(context, action.request, action.addToPath, state, step);
    case 'script':
      return runScriptStep(context, step, action, state);
    case 'builtin':
      return runBuiltinTask(context, step, action, state);
  }
}

/** Updates Agent.JobStatus after a step, worst result first. */
function recordJobResult(context: JobRunContext, result: TaskResult): void {
  context.jobResult = aggregateResults([context.jobResult, result]);
  if (context.jobResult === 'skipped') context.jobResult = 'succeeded';
  context.job.variables.set('Agent.JobStatus', toAzureResultName(context.jobResult), { readonly: true });
}

/**
 * Runs one step with its record events: `enabled`, the condition, retries on
 * failure, `continueOnError`, and the update of Agent.JobStatus afterwards.
 * `index` numbers the record: `${job record id}.${index}`.
 */
export async function runStep(context: JobRunContext, step: StepDefinition, index: number): Promise<{ result: TaskResult; reason?: string; displayName: string }> {
  const { job, request } = context;
  const expand = macroExpander(context);
  const record: RecordRef = {
    id: `${request.record.id}.${index}`,
    parentId: request.record.id,
    type: 'step',
    name: step.name ?? `__step${index}`,
    displayName: expand(step.displayName ?? defaultStepDisplayName(step)),
  };
  const state: StepState = { recordId: record.id, stepName: step.name };
  job.events.recordStarted(record);

  const finish = (result: TaskResult, reason?: string): { result: TaskResult; reason?: string; displayName: string } => {
    job.events.recordFinished(record, result, reason);
    if (result !== 'skipped') recordJobResult(context, result);
    return { result, reason, displayName: record.displayName };
  };

  if (!step.enabled) return finish('skipped', 'the step is disabled (enabled: false)');
  const condition = checkCondition(context, step);
  if (condition.failure) {
    job.events.issue(record.id, 'error', condition.failure, { code: RunnerErrorCode.InvalidCondition });
    return finish('failed', condition.failure);
  }
  if (!condition.run) {
    const text = step.condition?.value.trim() || DEFAULT_CONDITION;
    const reason = context.control.canceled ? `the job was canceled and the condition '${text}' is false` : `the condition '${text}' evaluated to false`;
    return finish('skipped', reason);
  }

  const retries = Math.min(Math.max(step.retryCountOnTaskFailure, 0), MAX_TASK_RETRIES);
  let attempt = await runAttempt(context, step, state);
  for (let retry = 1; retry <= retries && attempt.result === 'failed' && !context.control.canceled; retry += 1) {
    const waitMs = retry * retry * context.options.retryBackoffUnitMs;
    job.events.log(record.id, 'system', `${attempt.reason ?? 'the step failed'}; retrying in ${waitMs / 1000} seconds (retry ${retry} of ${retries})`, 'warning');
    await delay(waitMs, context.control.signal);
    if (context.control.canceled) break;
    state.completeResult = undefined;
    attempt = await runAttempt(context, step, state);
  }

  if (attempt.result === 'failed' && attempt.reason) job.events.issue(record.id, 'error', attempt.reason, { code: attempt.code });
  if (attempt.result === 'failed' && step.continueOnError) {
    return finish('succeededWithIssues', `${attempt.reason ?? 'the step failed'} (continueOnError is true)`);
  }
  return finish(attempt.result, attempt.reason);
}
