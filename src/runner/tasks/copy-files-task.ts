import { copyFile, mkdir, readdir, rm, stat, utimes } from 'node:fs/promises';
import { basename, dirname, join, relative } from 'node:path';
import { findMatchingFiles } from '../test-results/find-matching-files.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { defaultWorkingDirectory, logTask, resolveTaskPath, type BuiltinTaskRun } from './builtin-task-run.js';
import { TaskStepError } from './task-step-error.js';

/** Deletes everything inside `folder` but keeps the folder itself, as CleanTargetFolder does. */
export async function emptyFolder(folder: string): Promise<void> {
  for (const name of await readdir(folder).catch(() => [] as string[])) await rm(join(folder, name), { recursive: true, force: true });
}

/**
 * CopyFiles@2: copies the files that `Contents` (minimatch lines, `!` to
 * exclude, rooted at SourceFolder) selects into TargetFolder, keeping relative
 * paths unless flattenFolders is set. Folders are never matched, only files,
 * and no match is a success. With OverWrite false an existing target file is
 * skipped and logged. Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/copy-files-v2
 */
export async function runCopyFiles(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context } = run;
  const sourceFolder = resolveTaskPath(context, inputs.text('SourceFolder', defaultWorkingDirectory(context)));
  const contents = inputs.text('Contents', '**');
  const targetFolder = resolveTaskPath(context, inputs.required('TargetFolder'));
  const overwrite = inputs.bool('OverWrite');
  const flatten = inputs.bool('flattenFolders');
  const preserveTimestamp = inputs.bool('preserveTimestamp');

  const sourceStat = await stat(sourceFolder).catch(() => undefined);
  if (!sourceStat?.isDirectory()) {
    throw new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${run.label}: source folder '${sourceFolder}' does not exist; check SourceFolder, or create it in an earlier step`);
  }
  if (inputs.bool('CleanTargetFolder')) {
    logTask(run, `Cleaning target folder ${targetFolder}`);
    await emptyFolder(targetFolder);
  }

  const files = await findMatchingFiles(contents, { searchFolder: sourceFolder, signal: context.control.signal });
  logTask(run, `Found ${files.length} file(s) to copy from ${sourceFolder}`);
  let copied = 0;
  for (const file of files) {
    const target = flatten ? join(targetFolder, basename(file)) : join(targetFolder, relative(sourceFolder, file));
    const existing = await stat(target).catch(() => undefined);
    if (existing?.isDirectory()) {
      throw new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${run.label}: cannot copy '${file}' to '${target}' because a folder has that name`);
    }
    if (existing && !overwrite) {
      logTask(run, `File ${target} already exists; skipped because OverWrite is false`);
      continue;
    }
    await mkdir(dirname(target), { recursive: true });
    await copyFile(file, target);
    if (preserveTimestamp) {
      const source = await stat(file);
      await utimes(target, source.atime, source.mtime);
    }
    logTask(run, `Copying ${file} to ${target}`);
    copied += 1;
  }
  logTask(run, `Copied ${copied} file(s) to ${targetFolder}`);
  return { result: 'succeeded' };
}
