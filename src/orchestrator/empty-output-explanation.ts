import { now, type EventSink } from '../events/run-event.js';
import { toAzureResultName } from '../events/task-result.js';
import type { JobDefinition, StageDefinition, StepDefinition, VariableDefinition } from '../language/pipeline/pipeline-model.js';
import type { Located } from '../language/source-location.js';
import { findOutputReferences, outputKeyStep, type OutputReference } from '../language/validation/output-references.js';
import type { PlannedStage } from '../plan/run-plan.js';
import type { FinishedJob, FinishedStage } from './dependency-context.js';

// Output references and their reach: learn.microsoft.com/azure/devops/pipelines/process/expressions
// ("Dependencies") and …/process/variables ("Use outputs in a different job/stage").

/** What a job or stage can see of the items it references. */
export interface ReferenceScope {
  /** `job` for a job's variables and condition, `stage` for a stage's. */
  level: 'job' | 'stage';
  /** Direct `dependsOn` of the job (job level) or stage (stage level). */
  dependsOn: readonly string[];
  /** Direct `dependsOn` of the job's stage; job level only, for `stageDependencies`. */
  stageDependsOn?: readonly string[];
  /** Jobs of the same stage: planned, and finished so far (job level). */
  stageJobs?: { planned: PlannedStage; finished: Map<string, FinishedJob> };
  /** Every stage of the plan, and the stages that finished. */
  stages: { planned: readonly PlannedStage[]; finished: Map<string, FinishedStage> };
  /**
   * Every stage of the pipeline file, including those `--stage`, `--job` or
   * `--no-deps` left out of the plan, so a reference to one is explained as
   * left out rather than missing.
   */
  defined?: readonly StageDefinition[];
}

/**
 * Explains each output reference in `texts` that resolves to an empty value:
 * the item is not a direct dependency, it was skipped, it has no step of that
 * name, or it ran but never set the variable as an output. References that
 * resolve to a value are not mentioned.
 */
export function explainEmptyOutputs(texts: ReadonlyArray<Located<string>>, scope: ReferenceScope): string[] {
  const explanations: string[] = [];
  for (const text of texts) {
    for (const reference of findOutputReferences(text.value)) {
      const why = explainReference(reference, scope);
      if (why === undefined) continue;
      const where = text.location.line > 0 ? `${text.location.file}:${text.location.line}:${text.location.column}: ` : '';
      explanations.push(`${where}${describeReference(reference)} is empty because ${why}`);
    }
  }
  return [...new Set(explanations)];
}

/** Emits each explanation as a warning on a record. */
export function reportEmptyOutputs(sink: EventSink, recordId: string, explanations: readonly string[]): void {
  for (const message of explanations) sink({ type: 'issue', recordId, issueType: 'warning', message, time: now() });
}

/** The `$[ ]` values of variable definitions and a condition, as texts to search for references. */
export function expressionTexts(variables: readonly VariableDefinition[], ...others: Array<Located<string> | undefined>): Array<Located<string>> {
  const texts: Array<Located<string>> = [];
  for (const variable of variables) if (variable.kind === 'variable') texts.push({ value: variable.value, location: variable.location });
  for (const other of others) if (other !== undefined) texts.push(other);
  return texts;
}

function explainReference(reference: OutputReference, scope: ReferenceScope): string | undefined {
  if (reference.kind === 'stageDependencies') {
    if (scope.level === 'stage') return 'stageDependencies is available to jobs only; a stage reads dependencies.<stage>.outputs[\'<job>.<step>.<variable>\']';
    const stageName = reference.first;
    const jobName = reference.second!;
    if (!includesName(scope.stageDependsOn ?? [], stageName)) return notInDependsOn(`stage '${stageName}'`, 'the stage of this job', scope.stages.planned.some((stage) => same(stage.name, stageName)), leftOutStage(scope, stageName));
    const stage = findByName(scope.stages.planned, stageName);
    if (stage === undefined && leftOutStage(scope, stageName)) return leftOut(`stage '${stageName}'`);
    const finished = findEntry(scope.stages.finished, stageName);
    return explainJob(stage, finished?.jobs ?? new Map(), jobName, reference.key, `stage '${stageName}'`);
  }

  if (scope.level === 'job') {
    const stage = scope.stageJobs!.planned;
    const jobLeftOut = !stage.jobs.some((job) => same(job.name, reference.first)) && leftOutJob(scope, stage.name, reference.first);
    if (jobLeftOut) return leftOut(`job '${reference.first}'`);
    if (!includesName(scope.dependsOn, reference.first)) return notInDependsOn(`job '${reference.first}'`, 'this job', stage.jobs.some((job) => same(job.name, reference.first)));
    return explainJob(stage, scope.stageJobs!.finished, reference.first, reference.key, `stage '${stage.name}'`);
  }

  // Stage level: dependencies.<stage>.outputs['<job>.<step>.<var>'].
  if (!includesName(scope.dependsOn, reference.first)) return notInDependsOn(`stage '${reference.first}'`, 'this stage', scope.stages.planned.some((stage) => same(stage.name, reference.first)), leftOutStage(scope, reference.first));
  if (!scope.stages.planned.some((stage) => same(stage.name, reference.first)) && leftOutStage(scope, reference.first)) return leftOut(`stage '${reference.first}'`);
  const stage = findByName(scope.stages.planned, reference.first);
  const finished = findEntry(scope.stages.finished, reference.first);
  if (finished !== undefined && finished.result === 'skipped') return `stage '${reference.first}' was skipped`;
  const [jobName, ...rest] = reference.key.split('.');
  if (rest.length < 2) return `the key '${reference.key}' needs the form '<job>.<step>.<variable>' at stage level`;
  return explainJob(stage, finished?.jobs ?? new Map(), jobName!, rest.join('.'), `stage '${reference.first}'`);
}

function explainJob(stage: PlannedStage | undefined, finished: Map<string, FinishedJob>, jobName: string, key: string, where: string): string | undefined {
  const planned = stage?.jobs.find((job) => same(job.name, jobName));
  if (planned === undefined) return `${where} has no job named '${jobName}'`;
  const job = findEntry(finished, jobName);
  if (job === undefined) return `job '${jobName}' has not finished`;
  if (job.result === 'skipped') return `job '${jobName}' was skipped`;
  if (job.result === 'canceled') return `job '${jobName}' was canceled`;
  const value = Object.entries(job.outputs).find(([name]) => same(name, key))?.[1];
  if (value !== undefined && value !== '') return undefined;
  if (value === '') return `job '${jobName}' set it to an empty value`;

  const stepName = outputKeyStep(key);
  const variableName = key.split('.').pop() ?? key;
  if (stepName === undefined) return `the key '${key}' has no step name; output keys have the form '<step>.<variable>'`;
  if (!stepNamesOf(planned.definition).some((name) => same(name, stepName))) return `job '${jobName}' has no step named '${stepName}'`;
  return `job '${jobName}' ran (${toAzureResultName(job.result)}) but step '${stepName}' never set '${variableName}' as an output variable ('##vso[task.setvariable variable=${variableName};isOutput=true]')`;
}

function notInDependsOn(item: string, dependant: string, exists: boolean, wasLeftOut = false): string {
  if (!exists && wasLeftOut) return leftOut(item);
  if (!exists) return `${item} does not exist`;
  return `${dependant} has no dependsOn on ${item}, and outputs reach direct dependants only`;
}

function leftOut(item: string): string {
  return `${item} was left out of this run by --stage, --job or --no-deps, so it set no outputs`;
}

function leftOutStage(scope: ReferenceScope, stageName: string): boolean {
  return (scope.defined ?? []).some((stage) => same(stage.name, stageName));
}

function leftOutJob(scope: ReferenceScope, stageName: string, jobName: string): boolean {
  const stage = (scope.defined ?? []).find((item) => same(item.name, stageName));
  return stage !== undefined && stage.jobs.some((job) => same(job.name, jobName));
}

/** Step names of a job, including those inside deployment lifecycle hooks. */
function stepNamesOf(definition: JobDefinition): string[] {
  const steps: StepDefinition[] = [...definition.steps];
  for (const hook of Object.values(definition.strategy?.deployment?.hooks ?? {})) steps.push(...hook.steps);
  return steps.map((step) => step.name).filter((name): name is string => name !== undefined);
}

function describeReference(reference: OutputReference): string {
  if (reference.kind === 'stageDependencies') return `stageDependencies.${reference.first}.${reference.second}.outputs['${reference.key}']`;
  return `dependencies.${reference.first}.outputs['${reference.key}']`;
}

// Azure compares stage, job and step names without case.
function same(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}

function includesName(names: readonly string[], name: string): boolean {
  return names.some((item) => same(item, name));
}

function findByName<T extends { name: string }>(items: readonly T[], name: string): T | undefined {
  return items.find((item) => same(item.name, name));
}

function findEntry<T>(map: Map<string, T>, name: string): T | undefined {
  for (const [key, value] of map) if (same(key, name)) return value;
  return undefined;
}
