import type { StepDefinition } from '../../language/pipeline/pipeline-model.js';
import type { JobRunContext } from '../job-run-context.js';
import type { StepState } from '../job-state.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { macroExpander } from '../step-environment.js';
import { runArchiveFiles } from './archive-files-task.js';
import type { BuiltinTaskHandler } from './builtin-task-run.js';
import { runCache } from './cache-task.js';
import { runCopyFiles } from './copy-files-task.js';
import { runDeleteFiles } from './delete-files-task.js';
import { runDownloadBuildArtifacts, runDownloadPipelineArtifact } from './download-artifact-task.js';
import { runExtractFiles } from './extract-files-task.js';
import { runNodeTool } from './node-tool-task.js';
import { runPipAuthenticate } from './pip-authenticate-task.js';
import { runPublishBuildArtifacts, runPublishPipelineArtifact } from './publish-artifact-task.js';
import { runPublishCodeCoverage } from './publish-code-coverage-task.js';
import { runPublishTestResults } from './publish-test-results-task.js';
import { runPythonScript } from './python-script-task.js';
import { runShellScript } from './shell-script-task.js';
import { TaskInputs } from './task-inputs.js';
import { TaskStepError } from './task-step-error.js';
import { runTwineAuthenticate } from './twine-authenticate-task.js';

/** Handlers by lower-case task name; the catalogue in builtin-task-catalog.ts lists the same names. */
const HANDLERS: Record<string, BuiltinTaskHandler> = {
  copyfiles: runCopyFiles,
  deletefiles: runDeleteFiles,
  archivefiles: runArchiveFiles,
  extractfiles: runExtractFiles,
  nodetool: runNodeTool,
  usenode: runNodeTool,
  pythonscript: runPythonScript,
  shellscript: runShellScript,
  pipauthenticate: runPipAuthenticate,
  twineauthenticate: runTwineAuthenticate,
  publishtestresults: runPublishTestResults,
  publishcodecoverageresults: runPublishCodeCoverage,
  publishpipelineartifact: runPublishPipelineArtifact,
  downloadpipelineartifact: runDownloadPipelineArtifact,
  publishbuildartifacts: runPublishBuildArtifacts,
  downloadbuildartifacts: runDownloadBuildArtifacts,
  cache: runCache,
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
  const handler = HANDLERS[action.task.toLowerCase()];
  if (!handler) return { result: 'failed', code: RunnerErrorCode.UnsupportedTask, reason: `task '${action.label}' has no handler in the local runner` };

  const inputs = new TaskInputs(action.inputs, macroExpander(context), action.label);
  try {
    return await handler({ context, step, state, inputs, label: action.label });
  } catch (error) {
    if (error instanceof TaskStepError) return { result: 'failed', code: error.code, reason: error.message };
    if (context.control.canceled) return { result: 'canceled', reason: context.control.cancelReason ?? 'the step was canceled' };
    return { result: 'failed', code: RunnerErrorCode.TaskOperationFailed, reason: `${action.label} failed: ${(error as Error).message}` };
  }
}
