import { isAbsolute, resolve } from 'node:path';
import type { StepDefinition } from '../../language/pipeline/pipeline-model.js';
import type { JobRunContext } from '../job-run-context.js';
import type { StepState } from '../job-state.js';
import type { StepAttemptResult } from '../run-script-step.js';
import type { TaskInputs } from './task-inputs.js';

/** Everything a built-in task handler gets for one attempt. */
export interface BuiltinTaskRun {
  context: JobRunContext;
  step: StepDefinition;
  state: StepState;
  inputs: TaskInputs;
  /** `Name@Major`, used as the prefix of messages. */
  label: string;
}

/** Runs one attempt of a built-in task; throws TaskStepError for expected failures. */
export type BuiltinTaskHandler = (run: BuiltinTaskRun) => Promise<StepAttemptResult>;

/** Returns System.DefaultWorkingDirectory, the folder relative task paths start from. */
export function defaultWorkingDirectory(context: JobRunContext): string {
  return context.job.variables.value('System.DefaultWorkingDirectory') ?? context.sourcesDirectory;
}

/** Roots a path input as the agent roots `filePath` inputs: a relative path resolves against System.DefaultWorkingDirectory. */
export function resolveTaskPath(context: JobRunContext, path: string): string {
  return isAbsolute(path) ? resolve(path) : resolve(defaultWorkingDirectory(context), path);
}

/** Writes one line to the step's log as task output. */
export function logTask(run: BuiltinTaskRun, line: string): void {
  run.context.job.events.log(run.state.recordId, 'stdout', line);
}

/** Adds a warning issue to the step. */
export function warnTask(run: BuiltinTaskRun, message: string, code?: string): void {
  run.context.job.events.issue(run.state.recordId, 'warning', message, { code });
}

/**
 * Sets a task's output variable the way a task with `outputVariables` in its
 * task.json does: as a job variable, and as `<step name>.<name>` when the step has a name.
 */
export function setTaskOutput(run: BuiltinTaskRun, name: string, value: string): void {
  const { job } = run.context;
  job.variables.set(name, value);
  job.events.variableSet(run.state.recordId, name, value, false, false);
  if (!run.state.stepName) return;

  const qualified = `${run.state.stepName}.${name}`;
  job.outputs[qualified] = value;
  job.variables.set(qualified, value, { readonly: true });
  job.events.variableSet(run.state.recordId, qualified, value, false, true);
}
