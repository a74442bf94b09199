import { expect } from 'vitest';
import type { PipelineDefinition } from '../../../src/language/pipeline/pipeline-model.js';
import { createRunPlan } from '../../../src/plan/create-run-plan.js';
import { runPipeline, type RunOptions, type RunOutcome, type JobRunOutcome } from '../../../src/orchestrator/run-pipeline.js';
import type { RunEvent } from '../../../src/events/run-event.js';
import type { JobExecutor } from '../../../src/runner/job-request.js';
import { eventCollector } from './scripted-executor.js';
import { runOptions } from './run-options.js';

/** Plans a definition for a Linux host and runs it; the plan must be valid. */
export async function runDefinition(
  definition: PipelineDefinition,
  executor: JobExecutor,
  overrides: Partial<RunOptions> = {},
): Promise<{ outcome: RunOutcome; events: RunEvent[] }> {
  const { plan, diagnostics } = createRunPlan(definition, { hostOs: 'linux' });
  expect(diagnostics).toEqual([]);
  const { sink, events } = eventCollector();
  const outcome = await runPipeline(plan!, runOptions(executor, sink, overrides));
  return { outcome, events };
}

/** Finds a job instance outcome by instance name, across stages. */
export function jobOutcome(outcome: RunOutcome, name: string): JobRunOutcome {
  const found = outcome.stages.flatMap((stage) => stage.jobs).find((job) => job.name === name);
  if (found === undefined) throw new Error(`no outcome for job ${name}`);
  return found;
}
