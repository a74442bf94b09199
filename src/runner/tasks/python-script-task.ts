import { randomUUID } from 'node:crypto';
import { stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { findExecutable } from '../executable-lookup.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { buildStepEnvironment } from '../step-environment.js';
import { defaultWorkingDirectory, resolveTaskPath, type BuiltinTaskRun } from './builtin-task-run.js';
import { runTaskProcess } from './run-task-process.js';
import { splitCommandLine } from './split-command-line.js';
import { TaskStepError } from './task-step-error.js';

/**
 * PythonScript@0: runs a script file or inline script with pythonInterpreter,
 * or else the `python` on PATH, which UsePythonVersion puts first.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/python-script-v0
 */
export async function runPythonScript(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context, step, state, label } = run;
  const source = inputs.choice('scriptSource', ['filePath', 'inline'] as const, 'filePath');
  const env = buildStepEnvironment(context, step.env, {});
  const pathValue = env.PATH ?? env.Path;

  const requested = inputs.text('pythonInterpreter');
  // NOTE: the task looks only for `python`; `python3` is tried too because many Linux machines have no `python`.
  const interpreter = requested ? await findExecutable(resolveTaskPath(context, requested), pathValue) : ((await findExecutable('python', pathValue)) ?? (await findExecutable('python3', pathValue)));
  if (!interpreter) {
    throw new TaskStepError(
      RunnerErrorCode.ProcessStartFailed,
      requested ? `${label}: pythonInterpreter '${requested}' was not found or is not executable` : `${label}: no 'python' or 'python3' was found on PATH; add a UsePythonVersion@0 step before this one`,
    );
  }

  let scriptFile: string;
  if (source === 'inline') {
    scriptFile = join(context.workspace.tempDirectory, `${randomUUID()}.py`);
    await writeFile(scriptFile, inputs.required('script'), 'utf8');
  } else {
    scriptFile = resolveTaskPath(context, inputs.required('scriptPath'));
    if (!(await stat(scriptFile).catch(() => undefined))?.isFile()) {
      throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${label}: scriptPath '${scriptFile}' is not a file; check the path`);
    }
  }

  const cwd = resolveTaskPath(context, inputs.text('workingDirectory', defaultWorkingDirectory(context)));
  if (!(await stat(cwd).catch(() => undefined))?.isDirectory()) {
    throw new TaskStepError(RunnerErrorCode.WorkingDirectoryNotFound, `workingDirectory '${cwd}' does not exist; create it in an earlier step or fix the path`);
  }
  const args = [scriptFile, ...splitCommandLine(inputs.text('arguments'))];
  context.job.events.log(state.recordId, 'system', `${interpreter} ${args.join(' ')}`, 'command');
  return runTaskProcess(context, step, state, { launch: { file: interpreter, args, cwd, env }, toolName: 'Python', failOnStderr: inputs.bool('failOnStderr') });
}
