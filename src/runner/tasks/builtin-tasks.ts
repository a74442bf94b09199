import type { StepDefinition } from '../../language/pipeline/pipeline-model.js';
import type { JobRunContext } from '../job-run-context.js';
import type { StepState } from '../job-state.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { macroExpander } from '../step-environment.js';
import type { BuiltinTaskHandler } from './builtin-task-run.js';
import { TaskInputs } from './task-inputs.js';
import { TaskStepError } from './task-step-error.js';

/**
 * Loaders of the handlers by lower-case task name; the catalogue in
 * builtin-task-catalog.ts lists the same names. Each handler module is
 * imported when a step first needs it, so a run of plain scripts does not
 * load the XML, archive and artifact code.
 */
const HANDLERS: Record<string, () => Promise<BuiltinTaskHandler>> = {
  copyfiles: async () => (await import('./copy-files-task.js')).runCopyFiles,
  deletefiles: async () => (await import('./delete-files-task.js')).runDeleteFiles,
  archivefiles: async () => (await import('./archive-files-task.js')).runArchiveFiles,
  extractfiles: async () => (await import('./extract-files-task.js')).runExtractFiles,
  nodetool: async () => (await import('./node-tool-task.js')).runNodeTool,
  usenode: async () => (await import('./node-tool-task.js')).runNodeTool,
  pythonscript: async () => (await import('./python-script-task.js')).runPythonScript,
  shellscript: async () => (await import('./shell-script-task.js')).runShellScript,
  pipauthenticate: async () => (await import('./pip-authenticate-task.js')).runPipAuthenticate,
  twineauthenticate: async () => (await import('./twine-authenticate-task.js')).runTwineAuthenticate,
  publishtestresults: async () => (await import('./publish-test-results-task.js')).runPublishTestResults,
  publishcodecoverageresults: async () => (await import('./publish-code-coverage-task.js')).runPublishCodeCoverage,
  publishpipelineartifact: async () => (await import('./publish-artifact-task.js')).runPublishPipelineArtifact,
  downloadpipelineartifact: async () => (await import('./download-artifact-task.js')).runDownloadPipelineArtifact,
  publishbuildartifacts: async () => (await import('./publish-artifact-task.js')).runPublishBuildArtifacts,
  downloadbuildartifacts: async () => (await import('./download-artifact-task.js')).runDownloadBuildArtifacts,
  cache: async () => (await import('./cache-task.js')).runCache,
};

/** A built-in task resolved from a `task:` step or a `publish:`/`download:` shortcut. */
export interface BuiltinTaskAction {
  kind: 'builtin';
  /** Task name as in the catalogue, e.g. `CopyFiles`. */
  task: string;
  /** `Name@Major`, the prefix of messages. */
  label: string;
  /** Raw inputs; macros are expanded when the step starts. */
  inputs: Record<string, string>;
}

/**
 * Runs one attempt of a built-in task. A TaskStepError becomes a failed step
 * with its code, and an abort during cancellation becomes `canceled`. Any
 * other error (a file system error, say) fails the step with its message.
 */
export async function runBuiltinTask(context: JobRunContext, step: StepDefinition, action: BuiltinTaskAction, state: StepState): Promise<StepAttemptResult> {
  const loadHandler = HANDLERS[action.task.toLowerCase()];
  if (!loadHandler) return { result: 'failed', code: RunnerErrorCode.UnsupportedTask, reason: `task '${action.label}' has no handler in the local runner` };

  const inputs = new TaskInputs(action.inputs, macroExpander(context), action.label);
  try {
    const handler = await loadHandler();
    return await handler({ context, step, state, inputs, label: action.label });
  } catch (error) {
    if (error instanceof TaskStepError) return { result: 'failed', code: error.code, reason: error.message };
    if (context.control.canceled) return { result: 'canceled', reason: context.control.cancelReason ?? 'the step was canceled' };
    return { result: 'failed', code: RunnerErrorCode.TaskOperationFailed, reason: `${action.label} failed: ${(error as Error).message}` };
  }
}
