import { toAzureResultName, type AzureResultName, type TaskResult } from '../events/task-result.js';
import type { ExpressionObject } from '../language/expressions/expression-context.js';

/** A finished job (all its instances) as its dependants see it. */
export interface FinishedJob {
  /** The aggregate of its instances, with continueOnError already applied. */
  result: TaskResult;
  /** Output variables, keyed `step.var`, or `<leg>.step.var` for matrix legs and slices. */
  outputs: Record<string, string>;
}

/** A finished stage as its dependants see it. */
export interface FinishedStage {
  result: TaskResult;
  jobs: Map<string, FinishedJob>;
}

/**
 * Builds the job-level `dependencies` object from the direct dependencies of a
 * job: `{ <job>: { result, outputs: { 'step.var': value } } }`
 * (learn.microsoft.com/azure/devops/pipelines/process/expressions, "Dependencies").
 */
export function jobDependenciesObject(direct: readonly string[], jobs: Map<string, FinishedJob>): ExpressionObject {
  const object: ExpressionObject = {};
  for (const name of direct) {
    const job = jobs.get(name);
    if (job) object[name] = { result: toAzureResultName(job.result), outputs: { ...job.outputs } };
  }
  return object;
}

/**
 * Builds the stage-level `dependencies` object for a stage's condition and
 * variables: `{ <stage>: { result, outputs: { '<job>.<step>.<var>': value } } }`.
 * A matrix leg's keys keep the leg, giving `<job>.<leg>.<step>.<var>`.
 */
export function stageDependenciesForStage(direct: readonly string[], stages: Map<string, FinishedStage>): ExpressionObject {
  const object: ExpressionObject = {};
  for (const name of direct) {
    const stage = stages.get(name);
    if (stage === undefined) continue;
    const outputs: Record<string, string> = {};
    for (const [jobName, job] of stage.jobs) {
      for (const [key, value] of Object.entries(job.outputs)) outputs[`${jobName}.${key}`] = value;
    }
    object[name] = { result: toAzureResultName(stage.result), outputs };
  }
  return object;
}

/**
 * Builds the `stageDependencies` object that jobs read:
 * `{ <stage>: { <job>: { result, outputs } } }`, for the stages the job's stage
 * depends on directly, because outputs reach only direct dependants.
 */
export function stageDependenciesForJob(direct: readonly string[], stages: Map<string, FinishedStage>): ExpressionObject {
  const object: ExpressionObject = {};
  for (const name of direct) {
    const stage = stages.get(name);
    if (stage) object[name] = jobDependenciesObject([...stage.jobs.keys()], stage.jobs);
  }
  return object;
}

/** Results of the named items, for the status functions. */
export function dependencyResults(
  names: Iterable<string>,
  results: (name: string) => TaskResult | undefined,
): Record<string, AzureResultName> {
  const record: Record<string, AzureResultName> = {};
  for (const name of names) {
    const result = results(name);
    if (result !== undefined) record[name] = toAzureResultName(result);
  }
  return record;
}
