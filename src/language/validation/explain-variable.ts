import type { JobDefinition, PipelineDefinition, StageDefinition } from '../pipeline/pipeline-model.js';
import { formatLocation, type SourceLocation } from '../source-location.js';
import { matchRuntimeExpression } from '../expressions/runtime-expression.js';
import { effectiveStageDependsOn } from './check-dependencies.js';
import { stepsOfJob } from './job-steps.js';
import { findOutputReferences } from './output-references.js';
import { findPredefinedVariable, isUserSettablePredefined } from './predefined-variable-names.js';
import { groupsInScope, isRuntimeMatrix, matrixSites, runtimeSites, variableSitesIn, type VariableSite } from './variable-sites.js';

/** Job selection (`stage`/`job`, default every job) and the queue-time values of the run. */
export interface ExplainVariableOptions {
  stage?: string;
  job?: string;
  /** Queue-time values (`--variable name=value`). */
  queueVariables?: Record<string, string>;
}

/** The definitions, value and reasons for one job (or matrix leg). */
export interface JobVariableExplanation {
  stage: string;
  job: string;
  matrixLeg?: string;
  /** Every definition visible to the job, lowest precedence first. */
  sites: VariableSite[];
  /** The definition that gives the value at the job's start (or, for values set by steps, after that step). */
  winner?: VariableSite;
  /** Reasons the winner wins: the definitions it overrides, and those ignored because of it. */
  reasons: string[];
  /** Reasons `$(name)` may be empty or left as literal text in this job. */
  emptyReasons: string[];
}

/** The result of `sluice explain` for one variable. */
export interface VariableExplanation {
  name: string;
  /** The documented spelling when the name is a predefined variable. */
  predefined?: string;
  jobs: JobVariableExplanation[];
  /** `--stage`/`--job` names that match nothing, as messages for the user. */
  problems: string[];
}

/**
 * Explains where a variable's value comes from in each selected job: every
 * definition site, which one wins and why, when it is resolved, and why it
 * could be empty. Lookup is case-insensitive, as Azure variable names are.
 * Precedence follows Sluice's runner, which matches Azure's documented order
 * (learn.microsoft.com/azure/devops/pipelines/process/variables, "Expansion of
 * variables"): queue-time over job over stage over pipeline, the last definition
 * in one scope wins, a read-only variable keeps its first value.
 * NOTE: Sluice puts matrix leg values between stage and job variables, as its
 * runner applies them; Azure documents no order for matrix values.
 */
export function explainVariable(definition: PipelineDefinition, name: string, options: ExplainVariableOptions = {}): VariableExplanation {
  const predefined = findPredefinedVariable(name);
  const explanation: VariableExplanation = { name, predefined, jobs: [], problems: [] };

  const stages = definition.stages.filter((stage) => options.stage === undefined || sameName(stage.name, options.stage));
  if (options.stage !== undefined && stages.length === 0) {
    explanation.problems.push(`stage '${options.stage}' not found; the stages are ${definition.stages.map((stage) => stage.name).join(', ')}`);
    return explanation;
  }

  for (const stage of stages) {
    const stageIndex = definition.stages.indexOf(stage);
    for (const job of stage.jobs.filter((item) => options.job === undefined || sameName(item.name, options.job))) {
      for (const leg of matrixLegs(job)) {
        explanation.jobs.push(explainForJob(definition, stageIndex, job, leg, name, options));
      }
    }
  }
  if (options.job !== undefined && explanation.jobs.length === 0) {
    const jobs = stages.flatMap((stage) => stage.jobs.map((job) => (stage.implicit ? job.name : `${stage.name}.${job.name}`)));
    explanation.problems.push(`job '${options.job}' not found; the jobs are ${jobs.join(', ')}`);
  }
  return explanation;
}

function explainForJob(
  definition: PipelineDefinition,
  stageIndex: number,
  job: JobDefinition,
  leg: string | undefined,
  name: string,
  options: ExplainVariableOptions,
): JobVariableExplanation {
  const stage = definition.stages[stageIndex]!;
  const sites = collectSites(definition, stage, job, leg, name, options);
  const result: JobVariableExplanation = { stage: stage.name, job: job.name, matrixLeg: leg, sites, reasons: [], emptyReasons: [] };

  result.winner = pickWinner(sites, result.reasons);
  if (result.winner?.resolution === 'runtime-expression') {
    checkRuntimeDependencies(definition, stageIndex, job, result.winner, result.emptyReasons);
  }
  if (result.winner?.scope === 'runtime' && result.winner.stepIndex !== undefined) {
    result.reasons.push(`steps before and including ${result.winner.step} do not see this value; only later steps of the job do`);
  }
  explainSecrets(job, sites, name, result.emptyReasons);

  for (const group of groupsInScope(definition, stage, job)) {
    result.emptyReasons.push(`variable group '${group}' is in scope and may define '${name}', but Sluice reads a group only from a local definition (--variable-group)`);
  }
  const matrix = job.strategy?.matrix;
  if (matrix !== undefined && isRuntimeMatrix(matrix)) {
    result.emptyReasons.push(`the matrix of job '${job.name}' is the runtime expression ${matrix.value.trim()} (${describeLocation(matrix.location)}); its legs may set '${name}' when the job starts`);
  }
  if (!result.winner) explainMissing(definition, stage, job, name, result.emptyReasons);
  return result;
}

/** Returns the definitions visible to the job, lowest precedence first, in the order the runner applies them. */
function collectSites(
  definition: PipelineDefinition,
  stage: StageDefinition,
  job: JobDefinition,
  leg: string | undefined,
  name: string,
  options: ExplainVariableOptions,
): VariableSite[] {
  const sites: VariableSite[] = [];
  const predefined = findPredefinedVariable(name);
  if (predefined) {
    sites.push({ scope: 'predefined', name: predefined, readonly: !isUserSettablePredefined(name), isSecret: false, resolution: 'predefined' });
  }

  sites.push(...variableSitesIn(definition.variables, name, 'pipeline', {}));
  sites.push(...variableSitesIn(stage.variables, name, 'stage', { stage: stage.name }));
  sites.push(...matrixSites(stage, job, name).filter((site) => site.matrixLeg === leg));
  sites.push(...variableSitesIn(job.variables, name, 'job', { stage: stage.name, job: job.name }));

  const queued = Object.entries(options.queueVariables ?? {}).find(([queuedName]) => sameName(queuedName, name));
  if (queued) {
    sites.push({ scope: 'queue-time', name: queued[0], value: queued[1], readonly: false, isSecret: false, resolution: 'queue-time' });
  }
  // An output (isOutput=true) is set only as $(step.name) in its job, so it does not define the plain name there.
  sites.push(...runtimeSites(stage, job, name).filter((site) => !(site.isOutput && site.setName !== undefined && sameName(site.name, site.setName))));
  return sites;
}

/** Applies the sites in order as the runner does, recording why each one wins or is ignored. */
function pickWinner(sites: VariableSite[], reasons: string[]): VariableSite | undefined {
  let winner: VariableSite | undefined;
  for (const site of sites) {
    if (winner?.readonly) {
      const why = winner.scope === 'predefined' ? 'predefined system variables are read-only' : `it is read-only (${describeSite(winner)})`;
      reasons.push(`${describeSite(site)} is ignored because ${why}`);
      continue;
    }
    if (winner) reasons.push(`${describeSite(site)} overrides ${describeSite(winner)}${site.scope === winner.scope ? ' (in one scope the last definition wins)' : ''}`);
    winner = site;
  }
  if (winner && reasons.length === 0) reasons.push(`${describeSite(winner)} is the only definition`);
  return winner;
}

/** Adds a reason for each output that a `$[ ]` value reads from outside dependsOn, because such an output is empty. */
function checkRuntimeDependencies(definition: PipelineDefinition, stageIndex: number, job: JobDefinition, site: VariableSite, reasons: string[]): void {
  const inner = matchRuntimeExpression(site.value ?? '') ?? '';
  const stageDependsOn = effectiveStageDependsOn(definition, stageIndex);
  for (const reference of findOutputReferences(inner)) {
    const direct = site.scope === 'stage' || reference.kind === 'stageDependencies' ? stageDependsOn : job.dependsOn.map((item) => item.value);
    if (direct.some((item) => sameName(item, reference.first))) continue;
    const owner = site.scope === 'stage' || reference.kind === 'stageDependencies' ? `stage '${definition.stages[stageIndex]!.name}'` : `job '${job.name}'`;
    reasons.push(`its $[ ] expression reads ${reference.kind}.${reference.first}, but '${reference.first}' is not in the dependsOn of ${owner}, so the output is empty`);
  }
}

/** Adds a reason for each later script that reads a secret without an `env:` mapping, because secrets are not put into the environment. */
function explainSecrets(job: JobDefinition, sites: VariableSite[], name: string, reasons: string[]): void {
  const secret = sites.find((site) => site.isSecret);
  if (!secret) return;

  const environmentName = name.toUpperCase().replace(/[.\s]/g, '_');
  const steps = stepsOfJob(job);
  for (const [index, step] of steps.entries()) {
    if (index <= (secret.stepIndex ?? -1)) continue;
    const mapped = Object.values(step.env).some((value) => value.toLowerCase().includes(`$(${name.toLowerCase()})`));
    const script = step.type === 'script' || step.type === 'bash' || step.type === 'pwsh' || step.type === 'powershell' ? step.script : '';
    if (!mapped && script.includes(environmentName)) {
      reasons.push(`${secret.step} sets it as a secret, and secrets are not put into the environment: step #${index + 1} reads ${environmentName} without "env: { ${environmentName}: $(${name}) }"`);
    }
  }
}

/** Adds the reasons no scope of the job defines the variable, with the places that define it instead. */
function explainMissing(definition: PipelineDefinition, stage: StageDefinition, job: JobDefinition, name: string, reasons: string[]): void {
  reasons.push(`no scope of job '${stage.name}.${job.name}' defines '${name}', so $(${name}) stays as literal text and $[ ]/\${{ }} expressions read it as empty`);
  for (const site of matrixSites(stage, job, name)) {
    reasons.push(`only matrix leg '${site.matrixLeg}' of this job defines it (${describeLocation(site.location)})`);
  }
  for (const other of definition.stages) {
    if (other !== stage) {
      for (const site of variableSitesIn(other.variables, name, 'stage', { stage: other.name })) {
        reasons.push(`it is defined only in stage '${other.name}' (${describeLocation(site.location)}), whose variables other stages do not see`);
      }
    }
    for (const otherJob of other.jobs) {
      if (otherJob === job) continue;
      for (const site of [...variableSitesIn(otherJob.variables, name, 'job', { stage: other.name, job: otherJob.name }), ...matrixSites(other, otherJob, name)]) {
        reasons.push(`it is defined only in job '${other.name}.${otherJob.name}' (${describeLocation(site.location)}), whose variables other jobs do not see`);
      }
      for (const site of runtimeSites(other, otherJob, name)) {
        reasons.push(`${site.step} of job '${other.name}.${otherJob.name}' sets it at run time, but such a variable exists only in its own job; ${outputAdvice(definition, stage, job, other, otherJob, site)}`);
      }
    }
  }
}

/**
 * Says how another job reads a variable that a step sets: through
 * `dependencies` in the same stage or `stageDependencies` from a later stage
 * (learn.microsoft.com …/process/variables, "Set a multi-job output variable"),
 * with the step name, the matrix leg prefix, and the dependsOn it needs.
 */
function outputAdvice(
  definition: PipelineDefinition,
  readerStage: StageDefinition,
  reader: JobDefinition,
  ownerStage: StageDefinition,
  owner: JobDefinition,
  site: VariableSite,
): string {
  // Advice to add a dependsOn that closes a cycle would only produce PLAN002.
  if (readerStage === ownerStage && dependsOnTransitively(owner.name, reader.name, (name) => jobDependsOn(readerStage, name))) {
    return `job '${owner.name}' depends on job '${reader.name}' and runs after it, so '${reader.name}' cannot read its outputs: set the variable in a job that '${reader.name}' depends on`;
  }
  const stageDependsOn = (name: string): string[] => {
    const index = definition.stages.findIndex((candidate) => sameName(candidate.name, name));
    return index < 0 ? [] : effectiveStageDependsOn(definition, index);
  };
  if (readerStage !== ownerStage && dependsOnTransitively(ownerStage.name, readerStage.name, stageDependsOn)) {
    return `stage '${ownerStage.name}' depends on stage '${readerStage.name}' and runs after it, so '${readerStage.name}' cannot read its outputs: set the variable in an earlier stage`;
  }
  const variable = site.setName ?? site.name;
  const legPrefix = owner.strategy?.matrix !== undefined ? '<matrix leg>.' : '';
  const stepPart = site.stepName ?? '<step name>';
  const key = `${legPrefix}${stepPart}.${variable}`;
  const reference =
    readerStage === ownerStage
      ? `$[ dependencies.${owner.name}.outputs['${key}'] ] with dependsOn: ${owner.name}`
      : `$[ stageDependencies.${ownerStage.name}.${owner.name}.outputs['${key}'] ] with stage '${readerStage.name}' depending on '${ownerStage.name}'`;
  const steps: string[] = [];
  if (site.stepName === undefined) steps.push('give that step a name:');
  if (!site.isOutput) steps.push('set it with isOutput=true');
  const prefix = steps.length > 0 ? `${steps.join(' and ')}, then ` : 'it is already an output, so ';
  return `${prefix}read it through ${reference}`;
}

/** Returns the explicit dependsOn of the stage's job with this name. */
function jobDependsOn(stage: StageDefinition, name: string): string[] {
  return stage.jobs.find((job) => sameName(job.name, name))?.dependsOn.map((item) => item.value) ?? [];
}

/** Returns true when `later` depends on `earlier`, directly or through other items. */
function dependsOnTransitively(later: string, earlier: string, dependsOn: (name: string) => readonly string[]): boolean {
  const seen = new Set<string>();
  const pending = [...dependsOn(later)];
  while (pending.length > 0) {
    const next = pending.pop()!;
    if (sameName(next, earlier)) return true;
    if (seen.has(next.toLowerCase())) continue;
    seen.add(next.toLowerCase());
    pending.push(...dependsOn(next));
  }
  return false;
}

/** Describes a site for the explanation: scope, place and, for matrix legs and steps, which one. */
export function describeSite(site: VariableSite): string {
  switch (site.scope) {
    case 'predefined':
      return `the predefined variable ${site.name}`;
    case 'queue-time':
      return 'the queue-time value (--variable)';
    case 'matrix':
      return `matrix leg '${site.matrixLeg}' (${describeLocation(site.location)})`;
    case 'runtime':
      return `step ${site.step} at run time (${describeLocation(site.location)})`;
    default:
      return `the ${site.scope} variable at ${describeLocation(site.location)}`;
  }
}

/** Formats a location as `file:line:col`, followed by the template chain when it comes from a template. */
export function describeLocation(location: SourceLocation | undefined): string {
  if (!location) return 'unknown place';
  const chain: string[] = [];
  for (let outer = location.includedFrom; outer; outer = outer.includedFrom) chain.push(formatLocation(outer));
  return chain.length === 0 ? formatLocation(location) : `${formatLocation(location)}, included from ${chain.join(' ← ')}`;
}

/** Describes when a site's value is worked out, and which of the three syntaxes see it. */
export function describeResolution(site: VariableSite): string {
  const name = site.name;
  switch (site.resolution) {
    case 'predefined':
      return 'set by Sluice when the run or the job starts';
    case 'literal':
      if (site.scope === 'matrix') {
        return `set when the matrix leg's job starts; $[ variables.${name} ] and $(${name}) see it, but \${{ variables.${name} }} does not`;
      }
      return site.location?.includedFrom
        ? `fixed when templates are expanded; \${{ variables.${name} }}, $[ variables.${name} ] and $(${name}) all see this value`
        : `fixed in the YAML; \${{ variables.${name} }}, $[ variables.${name} ] and $(${name}) all see this value`;
    case 'macro':
      return `contains $( ) macros, which are expanded in each step just before it runs; \${{ variables.${name} }} sees the text unexpanded`;
    case 'runtime-expression':
      return `a $[ ] runtime expression, evaluated once when the job (or stage) starts; \${{ variables.${name} }} sees the expression text, not its result`;
    case 'queue-time':
      return 'given when the run is queued; template expressions ${{ }} do not see it';
    case 'logging-command':
      return `set while the job runs by ##vso[task.setvariable]; only $(${name}) and environment variables in later steps of the same job see it`;
  }
}

function matrixLegs(job: JobDefinition): (string | undefined)[] {
  const matrix = job.strategy?.matrix;
  if (matrix === undefined || isRuntimeMatrix(matrix)) return [undefined];
  const legs = Object.keys(matrix);
  return legs.length > 0 ? legs : [undefined];
}

function sameName(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
