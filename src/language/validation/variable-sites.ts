import { matchRuntimeExpression } from '../expressions/runtime-expression.js';
import type { JobDefinition, PipelineDefinition, StageDefinition, VariableDefinition } from '../pipeline/pipeline-model.js';
import type { SourceLocation } from '../source-location.js';
import { describeStep, stepScriptTexts, stepsOfJob } from './job-steps.js';
import { findSetVariableCommands } from './set-variable-commands.js';

/** Scope of a variable definition, listed lowest precedence first: queue-time values, then values set while the job runs, win. */
export type VariableScope = 'predefined' | 'pipeline' | 'stage' | 'matrix' | 'job' | 'queue-time' | 'runtime';

/** One place that defines a variable. */
export interface VariableSite {
  scope: VariableScope;
  /** The name as written at this site. */
  name: string;
  /** The value as written; undefined for predefined variables and values set by scripts. */
  value?: string;
  location?: SourceLocation;
  readonly: boolean;
  /** Set only by a logging command with `issecret=true`. */
  isSecret: boolean;
  stage?: string;
  job?: string;
  matrixLeg?: string;
  /** Runtime sites: how messages name the step that sets the variable, and its position in the job. */
  step?: string;
  stepIndex?: number;
  /** Runtime sites: the step's reference name (`name:`), the variable name the command sets, and whether it is an output. */
  stepName?: string;
  setName?: string;
  isOutput?: boolean;
  /** When and how the value is worked out. */
  resolution: 'predefined' | 'literal' | 'macro' | 'runtime-expression' | 'queue-time' | 'logging-command';
}

/** Returns the definitions of `name` (case-insensitive) in one `variables:` block, in source order. */
export function variableSitesIn(
  variables: readonly VariableDefinition[],
  name: string,
  scope: 'pipeline' | 'stage' | 'job',
  owner: { stage?: string; job?: string },
): VariableSite[] {
  const key = name.toLowerCase();
  const sites: VariableSite[] = [];
  for (const variable of variables) {
    if (variable.kind !== 'variable' || variable.name.toLowerCase() !== key) continue;
    sites.push({
      scope,
      name: variable.name,
      value: variable.value,
      location: variable.location,
      readonly: variable.readonly,
      isSecret: false,
      ...owner,
      resolution: resolutionOf(variable.value),
    });
  }
  return sites;
}

/** Returns the matrix legs of a job that set `name`, one site per leg. */
export function matrixSites(stage: StageDefinition, job: JobDefinition, name: string): VariableSite[] {
  const matrix = job.strategy?.matrix;
  if (matrix === undefined || isRuntimeMatrix(matrix)) return [];

  const key = name.toLowerCase();
  const sites: VariableSite[] = [];
  for (const [leg, values] of Object.entries(matrix)) {
    const entry = Object.entries(values).find(([variable]) => variable.toLowerCase() === key);
    if (!entry) continue;
    sites.push({
      scope: 'matrix',
      name: entry[0],
      value: entry[1],
      location: job.strategy?.matrixLocations?.[leg] ?? job.strategy?.location,
      readonly: false,
      isSecret: false,
      stage: stage.name,
      job: job.name,
      matrixLeg: leg,
      resolution: 'literal',
    });
  }
  return sites;
}

/**
 * Returns the steps of a job that set `name` with `##vso[task.setvariable]`.
 * An output (`isOutput=true`) of step `s` is read as `s.name`, so it matches
 * when `name` is `s.<variable>`; it also matches the plain variable name.
 */
export function runtimeSites(stage: StageDefinition, job: JobDefinition, name: string): VariableSite[] {
  const key = name.toLowerCase();
  const sites: VariableSite[] = [];
  for (const [index, step] of stepsOfJob(job).entries()) {
    for (const text of stepScriptTexts(step)) {
      for (const command of findSetVariableCommands(text)) {
        const plain = command.name.toLowerCase() === key;
        const output = command.isOutput && step.name !== undefined && `${step.name}.${command.name}`.toLowerCase() === key;
        if (!plain && !output) continue;
        sites.push({
          scope: 'runtime',
          name: output ? `${step.name}.${command.name}` : command.name,
          location: step.location,
          readonly: command.isReadonly || command.isOutput,
          isSecret: command.isSecret,
          stage: stage.name,
          job: job.name,
          step: describeStep(step, index),
          stepIndex: index,
          stepName: step.name,
          setName: command.name,
          isOutput: command.isOutput,
          resolution: 'logging-command',
        });
      }
    }
  }
  return sites;
}

/** Returns the names of the variable groups in the job's scopes (pipeline, stage and job). */
export function groupsInScope(definition: PipelineDefinition, stage: StageDefinition, job: JobDefinition): string[] {
  return [...definition.variables, ...stage.variables, ...job.variables]
    .filter((variable) => variable.kind === 'group')
    .map((variable) => variable.name);
}

/** True when the matrix is a `$[ ]` runtime expression rather than a mapping of legs. */
export function isRuntimeMatrix(matrix: NonNullable<NonNullable<JobDefinition['strategy']>['matrix']>): matrix is { value: string; location: SourceLocation } {
  return 'location' in matrix && typeof (matrix as { value?: unknown }).value === 'string';
}

function resolutionOf(value: string): VariableSite['resolution'] {
  if (matchRuntimeExpression(value) !== undefined) return 'runtime-expression';
  if (value.includes('$(')) return 'macro';
  return 'literal';
}
