import { dirname } from 'node:path';
import { runScriptStep, type StepAttemptResult } from '../run-script-step.js';
import { resolveTaskPath, type BuiltinTaskRun } from './builtin-task-run.js';

/**
 * ShellScript@2: runs a script file with bash. The working directory is the
 * script's folder unless disableAutoCwd is set, then `cwd`.
 * Source: task.json of ShellScriptV2 in microsoft/azure-pipelines-tasks.
 */
export async function runShellScript(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context, step, state } = run;
  const scriptPath = resolveTaskPath(context, inputs.required('scriptPath'));
  const workingDirectory = inputs.bool('disableAutoCwd') ? inputs.text('cwd') || undefined : dirname(scriptPath);
  return runScriptStep(
    context,
    step,
    {
      kind: 'script',
      invocation: { shell: 'bash-file', filePath: scriptPath, arguments: inputs.text('args') },
      workingDirectory,
      failOnStderr: inputs.bool('failOnStandardError'),
      extraEnvironment: {},
    },
    state,
  );
}
