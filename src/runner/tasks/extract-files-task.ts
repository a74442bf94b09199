import { mkdir } from 'node:fs/promises';
import * as tar from 'tar';
import { findMatchingFiles } from '../test-results/find-matching-files.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { defaultWorkingDirectory, logTask, resolveTaskPath, type BuiltinTaskRun } from './builtin-task-run.js';
import { emptyFolder } from './copy-files-task.js';
import { runArchiveTool } from './run-archive-tool.js';
import { TaskStepError } from './task-step-error.js';

/** Archive kinds by file name ending. */
function archiveKind(file: string): 'zip' | 'tar' | 'tgz' | undefined {
  const lower = file.toLowerCase();
  if (lower.endsWith('.zip') || lower.endsWith('.jar') || lower.endsWith('.whl')) return 'zip';
  if (lower.endsWith('.tar.gz') || lower.endsWith('.tgz')) return 'tgz';
  if (lower.endsWith('.tar')) return 'tar';
  return undefined;
}

/**
 * ExtractFiles@1: extracts every archive that archiveFilePatterns (rooted at
 * System.DefaultWorkingDirectory) matches into destinationFolder: zip with
 * `unzip`, tar and tar.gz with the `tar` package. Existing files are kept unless
 * overwriteExistingFiles is set. Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/extract-files-v1
 */
export async function runExtractFiles(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context, label } = run;
  const patterns = inputs.required('archiveFilePatterns', '**/*.zip');
  const destination = resolveTaskPath(context, inputs.required('destinationFolder'));
  const overwrite = inputs.bool('overwriteExistingFiles');

  const archives = await findMatchingFiles(patterns, { searchFolder: defaultWorkingDirectory(context), signal: context.control.signal });
  if (archives.length === 0) {
    throw new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${label}: no archive matched '${patterns.replace(/\r?\n/g, ', ')}' under ${defaultWorkingDirectory(context)}; check archiveFilePatterns`);
  }
  const unsupported = archives.filter((file) => archiveKind(file) === undefined);
  if (unsupported.length > 0) {
    throw new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${label}: cannot extract ${unsupported.join(', ')}; the local runner extracts .zip, .tar, .tar.gz and .tgz`);
  }

  if (inputs.bool('cleanDestinationFolder', true)) {
    logTask(run, `Cleaning destination folder ${destination}`);
    await emptyFolder(destination);
  }
  await mkdir(destination, { recursive: true });
  for (const archive of archives) {
    logTask(run, `Extracting ${archive} to ${destination}`);
    const kind = archiveKind(archive);
    if (kind === 'zip') await runArchiveTool(label, 'unzip', ['-q', overwrite ? '-o' : '-n', archive, '-d', destination], destination, context.control.signal);
    else await tar.extract({ file: archive, cwd: destination, keep: !overwrite });
  }
  logTask(run, `Extracted ${archives.length} archive(s)`);
  return { result: 'succeeded' };
}
