import type { DiagnosticBag } from '../diagnostic.js';
import type { JobDefinition, PipelineDefinition, StageDefinition } from '../pipeline/pipeline-model.js';
import type { Located } from '../source-location.js';
import { stepsOfJob } from './job-steps.js';
import { jobLabel } from './job-label.js';
import { findOutputReferences, outputKeyStep, type OutputReference } from './output-references.js';

/**
 * Reports dependency mistakes that Azure accepts but that leave values empty.
 * VAL008 is a job `dependsOn` naming a job of another stage. VAL009 is an output
 * reference whose job or stage is not a direct dependency, and VAL010 one whose
 * step does not exist in that job. Outputs reach only direct dependents
 * (learn.microsoft.com/azure/devops/pipelines/process/variables).
 */
export function checkDependencies(definition: PipelineDefinition, bag: DiagnosticBag): void {
  for (const [stageIndex, stage] of definition.stages.entries()) {
    const stageDependsOn = effectiveStageDependsOn(definition, stageIndex);
    for (const text of stageExpressionTexts(stage)) {
      for (const reference of findOutputReferences(text.value)) checkStageReference(definition, stage, stageDependsOn, reference, text, bag);
    }

    for (const job of stage.jobs) {
      checkCrossStageDependsOn(definition, stage, job, bag);
      for (const text of jobExpressionTexts(job)) {
        for (const reference of findOutputReferences(text.value)) {
          checkJobReference(definition, stage, job, stageDependsOn, reference, text, bag);
        }
      }
    }
  }
}

/** Returns the stages a stage depends on: its `dependsOn`, or by default the stage before it. */
export function effectiveStageDependsOn(definition: PipelineDefinition, stageIndex: number): string[] {
  const stage = definition.stages[stageIndex]!;
  if (stage.dependsOn !== undefined) return stage.dependsOn.map((name) => name.value);
  const previous = definition.stages[stageIndex - 1];
  return previous ? [previous.name] : [];
}

function checkCrossStageDependsOn(definition: PipelineDefinition, stage: StageDefinition, job: JobDefinition, bag: DiagnosticBag): void {
  for (const dependency of job.dependsOn) {
    if (findByName(stage.jobs, dependency.value)) continue;
    const owner = definition.stages.find((other) => other !== stage && findByName(other.jobs, dependency.value));
    if (!owner) continue;
    bag.warning(
      'VAL008',
      `job ${jobLabel(stage, job)} depends on '${dependency.value}', which is a job of stage '${owner.name}'; a job's dependsOn can only name jobs of its own stage`,
      dependency.location,
      `Make stage '${stage.name}' depend on stage '${owner.name}' (stage-level "dependsOn"), and read outputs with stageDependencies.${owner.name}.${dependency.value}.outputs['step.variable'].`,
    );
  }
}

function checkJobReference(
  definition: PipelineDefinition,
  stage: StageDefinition,
  job: JobDefinition,
  stageDependsOn: string[],
  reference: OutputReference,
  text: Located<string>,
  bag: DiagnosticBag,
): void {
  if (reference.kind === 'dependencies') {
    const source = findByName(stage.jobs, reference.first);
    if (!source || !includesName(job.dependsOn.map((name) => name.value), reference.first)) {
      reportNotDirect(`dependencies.${reference.first}`, `job ${jobLabel(stage, job)}`, `"dependsOn: ${reference.first}" on the job`, text, bag, source === undefined);
      return;
    }
    checkStepExists(source, reference, `job '${source.name}'`, text, bag);
    return;
  }

  const sourceStage = findByName(definition.stages, reference.first);
  if (!sourceStage || !includesName(stageDependsOn, reference.first)) {
    reportNotDirect(`stageDependencies.${reference.first}`, `stage '${stage.name}'`, `"dependsOn: ${reference.first}" on stage '${stage.name}'`, text, bag, sourceStage === undefined);
    return;
  }
  const sourceJob = findByName(sourceStage.jobs, reference.second!);
  if (!sourceJob) {
    bag.warning(
      'VAL009',
      `stageDependencies.${reference.first}.${reference.second} names job '${reference.second}', which stage '${sourceStage.name}' does not have; the output is empty`,
      text.location,
      `Use one of the jobs of stage '${sourceStage.name}': ${sourceStage.jobs.map((item) => item.name).join(', ')}.`,
    );
    return;
  }
  checkStepExists(sourceJob, reference, `job '${sourceStage.name}.${sourceJob.name}'`, text, bag);
}

/** Checks a stage-level reference, where `dependencies.S.outputs['job.step.var']` reads from stage S. */
function checkStageReference(
  definition: PipelineDefinition,
  stage: StageDefinition,
  stageDependsOn: string[],
  reference: OutputReference,
  text: Located<string>,
  bag: DiagnosticBag,
): void {
  if (reference.kind !== 'dependencies') return;
  const source = findByName(definition.stages, reference.first);
  if (!source || !includesName(stageDependsOn, reference.first)) {
    reportNotDirect(`dependencies.${reference.first}`, `stage '${stage.name}'`, `"dependsOn: ${reference.first}" on the stage`, text, bag, source === undefined);
    return;
  }
  const jobName = reference.key.split('.')[0] ?? '';
  const sourceJob = findByName(source.jobs, jobName);
  if (!sourceJob) {
    bag.warning(
      'VAL010',
      `output '${reference.key}' of stage '${source.name}' names job '${jobName}', which that stage does not have; the output is empty`,
      text.location,
      `Write the key as 'job.step.variable' with a job of stage '${source.name}': ${source.jobs.map((item) => item.name).join(', ')}.`,
    );
    return;
  }
  checkStepExists(sourceJob, reference, `job '${source.name}.${sourceJob.name}'`, text, bag);
}

function checkStepExists(job: JobDefinition, reference: OutputReference, owner: string, text: Located<string>, bag: DiagnosticBag): void {
  const stepName = outputKeyStep(reference.key);
  if (stepName === undefined) return;
  const steps = stepsOfJob(job).filter((step) => step.name !== undefined);
  if (steps.some((step) => step.name!.toLowerCase() === stepName.toLowerCase())) return;

  const named = steps.length > 0 ? `its named steps are ${steps.map((step) => `'${step.name}'`).join(', ')}` : 'it has no named steps';
  bag.warning(
    'VAL010',
    `output '${reference.key}' reads step '${stepName}', but ${owner} has no step with that name (${named}); the output is empty`,
    text.location,
    `Give the step that runs ##vso[task.setvariable variable=…;isOutput=true] the reference name "name: ${stepName}", or fix the key.`,
  );
}

function reportNotDirect(reference: string, owner: string, fix: string, text: Located<string>, bag: DiagnosticBag, missing: boolean): void {
  const problem = missing ? 'names something that does not exist' : 'is not a direct dependency';
  bag.warning(
    'VAL009',
    `'${reference}' in ${owner} ${problem}, so its outputs are empty; outputs reach only direct dependents`,
    text.location,
    missing ? 'Check the spelling of the name.' : `Add ${fix}.`,
  );
}

function stageExpressionTexts(stage: StageDefinition): Located<string>[] {
  const texts: Located<string>[] = stage.condition ? [stage.condition] : [];
  for (const variable of stage.variables) {
    if (variable.kind === 'variable') texts.push({ value: variable.value, location: variable.location });
  }
  return texts;
}

function jobExpressionTexts(job: JobDefinition): Located<string>[] {
  const texts: Located<string>[] = job.condition ? [job.condition] : [];
  for (const variable of job.variables) {
    if (variable.kind === 'variable') texts.push({ value: variable.value, location: variable.location });
  }
  const matrix = job.strategy?.matrix;
  if (matrix !== undefined && isLocatedText(matrix)) texts.push(matrix);
  return texts;
}

function isLocatedText(value: unknown): value is Located<string> {
  return typeof value === 'object' && value !== null && 'location' in value && typeof (value as { value?: unknown }).value === 'string';
}

function findByName<T extends { name: string }>(items: readonly T[], name: string): T | undefined {
  const key = name.toLowerCase();
  return items.find((item) => item.name.toLowerCase() === key);
}

function includesName(names: readonly string[], name: string): boolean {
  const key = name.toLowerCase();
  return names.some((item) => item.toLowerCase() === key);
}
