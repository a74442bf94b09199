import type {
  JobDefinition,
  PipelineDefinition,
  ScriptStep,
  StageDefinition,
  VariableDefinition,
} from '../../../src/language/pipeline/pipeline-model.js';
import type { Located, SourceLocation } from '../../../src/language/source-location.js';

// Builders of PipelineDefinition objects for plan and orchestrator tests, shaped as the language layer returns them.

/** The file name of every location the builders create. */
export const FILE = 'azure-pipelines.yml';

export function at(line: number, column = 1): SourceLocation {
  return { file: FILE, line, column };
}

let nextLine = 100;

/** `dependsOn` entries, each at its own line so tests can check positions. */
export function deps(...names: string[]): Located<string>[] {
  return names.map((value) => ({ value, location: at(nextLine++, 7) }));
}

export function located(value: string, line = nextLine++): Located<string> {
  return { value, location: at(line, 5) };
}

export function variable(name: string, value: string, readonly = false): VariableDefinition {
  return { kind: 'variable', name, value, readonly, location: at(nextLine++, 3) };
}

export function script(text: string, extra: Partial<ScriptStep> = {}): ScriptStep {
  return {
    type: 'script',
    script: text,
    failOnStderr: false,
    continueOnError: false,
    enabled: true,
    env: {},
    timeoutInMinutes: 0,
    retryCountOnTaskFailure: 0,
    location: at(nextLine++, 3),
    ...extra,
  };
}

export function job(name: string, extra: Partial<JobDefinition> = {}): JobDefinition {
  return {
    kind: 'job',
    name,
    dependsOn: [],
    continueOnError: false,
    timeoutInMinutes: 60,
    cancelTimeoutInMinutes: 5,
    variables: [],
    services: {},
    steps: [script(`echo ${name}`)],
    implicit: false,
    location: at(nextLine++, 3),
    ...extra,
  };
}

export function stage(name: string, jobs: JobDefinition[], extra: Partial<StageDefinition> = {}): StageDefinition {
  return { name, variables: [], jobs, implicit: false, location: at(nextLine++, 3), ...extra };
}

export function pipeline(stages: StageDefinition[], extra: Partial<PipelineDefinition> = {}): PipelineDefinition {
  return {
    file: FILE,
    appendCommitMessageToRunName: true,
    variables: [],
    stages,
    parameters: [],
    location: at(1),
    ...extra,
  };
}

/** Builds a pipeline of one implicit stage containing `jobs`, like the `jobs:` shape. */
export function jobsPipeline(jobs: JobDefinition[], extra: Partial<PipelineDefinition> = {}): PipelineDefinition {
  return pipeline([stage('__default', jobs, { implicit: true })], extra);
}
