import { aggregateResults } from '../events/task-result.js';
import type { RunPlan } from '../plan/run-plan.js';
import { VariableSet } from '../plan/variable-set.js';
import { JobSlots } from './job-slots.js';
import type { RunOptions } from './run-options.js';
import type { RunOutcome, StageOutcome } from './run-outcome.js';
import { runDependencyGraph, type RunState } from './run-state.js';
import { applyQueueScope, resolveScope, runtimeResolver } from './runtime-variables.js';
import { runStage } from './stage-run.js';

export type { RunOptions } from './run-options.js';
export type { JobRunOutcome, RunOutcome, StageOutcome } from './run-outcome.js';

/**
 * Runs a plan to the end. A stage or job starts once its dependencies have
 * finished and its condition is true, with at most `maxParallelJobs` jobs
 * running in `options.executor` at once.
 * Aborting `options.signal` cancels the run. Queued jobs end canceled, running
 * jobs get the signal, and only items whose conditions allow it (always(),
 * canceled()) still start.
 * The run's result is the worst stage result. A condition or expression that
 * fails to evaluate fails its stage or job, and the returned promise still resolves.
 */
export async function runPipeline(plan: RunPlan, options: RunOptions): Promise<RunOutcome> {
  const state: RunState = {
    plan,
    options,
    slots: new JobSlots(Math.max(1, options.maxParallelJobs)),
    stages: new Map(),
    pipelineVariables: [],
    pipelineErrors: [],
    startTime: options.startTime ?? new Date(),
  };

  // Pipeline-level `$[ ]` values are evaluated once, at run start, without dependencies.
  const variables = new VariableSet();
  for (const [name, variable] of Object.entries(options.runVariables)) variables.set(name, variable);
  applyQueueScope(variables, options);
  state.pipelineVariables = resolveScope(variables, plan.variables, runtimeResolver({}, options, state.pipelineErrors, state.startTime), options.variableGroups).resolved;

  const outcomes = new Map<string, StageOutcome>();
  await runDependencyGraph(plan.stages, async (stage) => {
    const { outcome, finished } = await runStage(state, stage);
    state.stages.set(stage.name, finished);
    outcomes.set(stage.name, outcome);
  });

  const stages = plan.stages.map((stage) => outcomes.get(stage.name)!);
  return { result: aggregateResults(stages.map((stage) => stage.result)), stages };
}
