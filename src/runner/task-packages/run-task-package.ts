import { stat } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import type { TaskStep } from '../../language/pipeline/pipeline-model.js';
import type { JobRunContext } from '../job-run-context.js';
import type { StepState } from '../job-state.js';
import type { LoggingCommand } from '../logging-command-parser.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { macroExpander } from '../step-environment.js';
import { runTaskProcess } from '../tasks/run-task-process.js';
import { splitCommandLine } from '../tasks/split-command-line.js';
import { addPostJobStep } from '../tasks/task-job-state.js';
import { TaskStepError } from '../tasks/task-step-error.js';
import { commandFilter } from './command-restrictions.js';
import type { TaskHandler, TaskPackage } from './task-definition.js';
import { buildTaskPackageEnvironment, resolveTaskInputs } from './task-package-environment.js';

/**
 * Also publishes a declared output variable as `<step name>.<variable>` when
 * the task sets it without `isOutput`, as the agent does for the names in
 * task.json `outputVariables`.
 */
function outputVariableMarker(context: JobRunContext, task: TaskPackage, state: StepState): (command: LoggingCommand) => void {
  const declared = new Set(task.definition.outputVariables.map((name) => name.toLowerCase()));
  return (command) => {
    if (command.area !== 'task' || command.action !== 'setvariable' || !state.stepName) return;
    const name = command.properties.get('variable')?.trim() ?? '';
    if (!declared.has(name.toLowerCase()) || command.properties.get('isoutput')?.trim().toLowerCase() === 'true') return;
    const variable = context.job.variables.get(name);
    if (variable?.value !== command.message) return;

    const qualified = `${state.stepName}.${name}`;
    context.job.outputs[qualified] = command.message;
    context.job.variables.set(qualified, command.message, { isSecret: variable.isSecret, readonly: true });
    context.job.events.variableSet(state.recordId, qualified, command.message, variable.isSecret, true);
  };
}

async function workingDirectoryOf(context: JobRunContext, task: TaskPackage, handler: TaskHandler): Promise<string> {
  const fallback = context.job.variables.value('System.DefaultWorkingDirectory') ?? context.sourcesDirectory;
  if (!handler.workingDirectory) return fallback;
  // `$(currentDirectory)` is the task's own folder in task.json handlers.
  const text = macroExpander(context)(handler.workingDirectory.replace(/\$\(currentDirectory\)/gi, task.directory));
  const directory = isAbsolute(text) ? text : resolve(fallback, text);
  if ((await stat(directory).catch(() => undefined))?.isDirectory()) return directory;
  throw new TaskStepError(RunnerErrorCode.WorkingDirectoryNotFound, `the handler workingDirectory '${directory}' of '${task.file}' does not exist`);
}

async function runHandler(context: JobRunContext, step: TaskStep, task: TaskPackage, handler: TaskHandler, env: NodeJS.ProcessEnv, state: StepState): Promise<StepAttemptResult> {
  const label = `${task.definition.name}@${task.definition.version.major}`;
  if (!(await stat(handler.target).catch(() => undefined))?.isFile()) {
    return { result: 'failed', code: RunnerErrorCode.TaskHandlerFailed, reason: `${label}: the handler file '${handler.target}' named in '${task.file}' does not exist; build the task or fix "target"` };
  }
  const cwd = await workingDirectoryOf(context, task, handler);
  const args = [handler.target, ...splitCommandLine(macroExpander(context)(handler.argumentFormat))];
  context.job.events.log(state.recordId, 'system', `${process.execPath} ${args.join(' ')}`, 'command');
  return runTaskProcess(context, step, state, {
    launch: { file: process.execPath, args, cwd, env },
    toolName: `${label} (${handler.kind})`,
    filterCommand: commandFilter(task.definition.restrictions, label),
    afterCommand: outputVariableMarker(context, task, state),
  });
}

/**
 * Runs one attempt of a task package: resolves and checks the inputs, builds
 * the INPUT_/SECRET_/ENDPOINT_ environment, and runs the Node handler with
 * the Node.js that runs Sluice. A task with a `postjobexecution` handler gets
 * a "Post-job: <name>" step with the same inputs.
 */
export async function runTaskPackage(context: JobRunContext, step: TaskStep, task: TaskPackage, state: StepState): Promise<StepAttemptResult> {
  let env: NodeJS.ProcessEnv;
  try {
    env = buildTaskPackageEnvironment(context, step, task, resolveTaskInputs(context, step, task));
  } catch (error) {
    if (error instanceof TaskStepError) return { result: 'failed', code: error.code, reason: error.message };
    throw error;
  }

  let outcome: StepAttemptResult;
  try {
    outcome = await runHandler(context, step, task, task.execution, env, state);
  } catch (error) {
    if (error instanceof TaskStepError) return { result: 'failed', code: error.code, reason: error.message };
    throw error;
  }

  const postJob = task.postJobExecution;
  if (postJob) {
    addPostJobStep(context, {
      owner: state.recordId,
      displayName: `Post-job: ${step.displayName ?? task.definition.name}`,
      run: (jobContext, postState) => runHandler(jobContext, step, task, postJob, env, postState),
    });
  }
  return outcome;
}
