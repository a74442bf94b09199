import type { RecordRef } from '../events/run-event.js';
import { aggregateResults, type TaskResult } from '../events/task-result.js';
import { collectAncestors } from '../plan/dependency-graph.js';
import { decideCondition } from '../plan/item-condition.js';
import type { PlannedStage } from '../plan/run-plan.js';
import { applyVariableDefinitions, VariableSet } from '../plan/variable-set.js';
import { dependencyResults, stageDependenciesForStage, type FinishedJob, type FinishedStage } from './dependency-context.js';
import { explainEmptyOutputs, expressionTexts, reportEmptyOutputs } from './empty-output-explanation.js';
import { runJob, type StageScope } from './job-run.js';
import type { JobRunOutcome, StageOutcome } from './run-outcome.js';
import { emitFinished, emitStarted, runDependencyGraph, type RunState } from './run-state.js';
import { applyQueueScope, resolveScope, runtimeResolver } from './runtime-variables.js';

/**
 * Runs one stage when it is reached: evaluates its variables (with the
 * stage-level `dependencies` object) and its condition, then its jobs in
 * dependency order. A stage that does not run records every job with the
 * stage's result, because a skipped parent skips its children
 * (learn.microsoft.com/azure/devops/pipelines/process/conditions). Never rejects.
 */
export async function runStage(state: RunState, stage: PlannedStage): Promise<{ outcome: StageOutcome; finished: FinishedStage }> {
  const record: RecordRef = { id: stage.name, type: 'stage', name: stage.name, displayName: stage.displayName };
  const errors = [...state.pipelineErrors];
  const dependencies = stageDependenciesForStage(stage.dependsOn, state.stages);

  const variables = new VariableSet();
  for (const [name, variable] of Object.entries(state.options.runVariables)) variables.set(name, variable);
  applyVariableDefinitions(variables, state.pipelineVariables);
  applyQueueScope(variables, state.options);
  const { resolved } = resolveScope(variables, stage.variables, runtimeResolver({ dependencies }, state.options, errors, state.startTime), state.options.variableGroups);
  applyQueueScope(variables, state.options);

  const ancestorSet = collectAncestors(stage.name, (name) => state.plan.stages.find((item) => item.name === name)?.dependsOn ?? []);
  // Plan order, so a skip reason names the earliest failed dependency.
  const ancestors = state.plan.stages.map((item) => item.name).filter((name) => ancestorSet.has(name));
  const decision = decideCondition({
    condition: stage.condition,
    dependencyResults: dependencyResults(ancestors, (name) => state.stages.get(name)?.result),
    canceled: state.options.signal.aborted,
    namedValues: { variables: variables.toValues(), dependencies },
  });

  const emptyOutputs = explainEmptyOutputs(expressionTexts(stage.variables, stage.condition), {
    level: 'stage',
    dependsOn: stage.dependsOn,
    stages: { planned: state.plan.stages, finished: state.stages },
    defined: state.plan.definition.stages,
  });
  // Reported once the stage's record exists, because a timeline drops issues of unknown records.
  const report = <T>(value: T): T => {
    reportEmptyOutputs(state.options.sink, record.id, emptyOutputs);
    return value;
  };

  if (!decision.run) {
    const childReason = decision.result === 'canceled' ? 'run canceled' : `stage '${stage.name}' was ${decision.result}`;
    return report(finishWithoutRunning(state, stage, record, decision.result, decision.reason, childReason));
  }
  if (errors.length > 0) {
    // The jobs fail with the cause too, so a report that lists only jobs still says why.
    const cause = errors.join('\n');
    return report(finishWithoutRunning(state, stage, record, 'failed', cause, `stage '${stage.name}' failed before its jobs started: ${cause}`, 'failed'));
  }

  const startTime = report(emitStarted(state, record));
  const scope: StageScope = { stage, record, stageVariables: resolved, jobs: new Map<string, FinishedJob>() };
  const outcomesByJob = new Map<string, JobRunOutcome[]>();
  await runDependencyGraph(stage.jobs, async (job) => {
    const { finished, outcomes } = await runJob(state, scope, job);
    scope.jobs.set(job.name, finished);
    outcomesByJob.set(job.name, outcomes);
  });

  const jobs = stage.jobs.flatMap((job) => outcomesByJob.get(job.name) ?? []);
  const result = aggregateResults([...scope.jobs.values()].map((job) => job.result));
  const reason = stageReason(result, jobs);
  const finishTime = emitFinished(state, record, result, reason);
  return {
    outcome: { name: stage.name, displayName: stage.displayName, recordId: record.id, result, reason, startTime, finishTime, jobs },
    finished: { result, jobs: scope.jobs },
  };
}

function finishWithoutRunning(
  state: RunState,
  stage: PlannedStage,
  record: RecordRef,
  result: TaskResult,
  reason: string,
  childReason: string,
  childResultOverride?: TaskResult,
): { outcome: StageOutcome; finished: FinishedStage } {
  const childResult: TaskResult = childResultOverride ?? (result === 'canceled' ? 'canceled' : 'skipped');
  const jobs: JobRunOutcome[] = [];
  const finishedJobs = new Map<string, FinishedJob>();

  for (const job of stage.jobs) {
    const instances = job.instances.length > 0 ? job.instances : [{ name: job.name, displayName: job.displayName }];
    for (const instance of instances) {
      const jobRecord: RecordRef = {
        id: `${stage.name}.${instance.name}`,
        parentId: record.id,
        type: 'job',
        name: instance.name,
        displayName: instance.displayName,
      };
      const finishTime = emitFinished(state, jobRecord, childResult, childReason);
      jobs.push({
        name: instance.name,
        displayName: instance.displayName,
        jobName: job.name,
        recordId: jobRecord.id,
        result: childResult,
        reason: childReason,
        finishTime,
        variables: {},
        outputs: {},
      });
    }
    finishedJobs.set(job.name, { result: childResult, outputs: {} });
  }

  const finishTime = emitFinished(state, record, result, reason);
  return {
    outcome: { name: stage.name, displayName: stage.displayName, recordId: record.id, result, reason, finishTime, jobs },
    finished: { result, jobs: finishedJobs },
  };
}

/** Names the first job that made the stage fail or cancel, for the stage's reason. */
function stageReason(result: TaskResult, jobs: readonly JobRunOutcome[]): string | undefined {
  if (result !== 'failed' && result !== 'canceled') return undefined;
  const culprit = jobs.find((job) => job.result === result);
  if (culprit === undefined) return undefined;
  return result === 'failed' ? `job '${culprit.name}' failed` : `job '${culprit.name}' was canceled`;
}
