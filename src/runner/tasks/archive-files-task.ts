import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import * as tar from 'tar';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { logTask, resolveTaskPath, type BuiltinTaskRun } from './builtin-task-run.js';
import { runArchiveTool } from './run-archive-tool.js';
import { TaskStepError } from './task-step-error.js';

const ARCHIVE_TYPES = ['zip', '7z', 'tar', 'wim'] as const;
const TAR_COMPRESSIONS = ['gz', 'bz2', 'xz', 'none'] as const;

/** Returns what goes into the archive and the folder the names are relative to. */
async function archiveItems(root: string, includeRootFolder: boolean): Promise<{ cwd: string; items: string[] }> {
  const rootStat = await stat(root);
  if (!rootStat.isDirectory() || includeRootFolder) return { cwd: dirname(root), items: [basename(root)] };
  return { cwd: root, items: (await readdir(root)).sort() };
}

/**
 * ArchiveFiles@2: packs rootFolderOrFile into a zip (with the `zip` command)
 * or a tar, optionally gzip-compressed (with the `tar` package). 7z, wim and
 * bz2/xz compression are rejected with an error. With replaceExistingArchive
 * false, zip updates an existing archive and an uncompressed tar is appended to.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/archive-files-v2
 */
export async function runArchiveFiles(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context, label } = run;
  const root = resolveTaskPath(context, inputs.required('rootFolderOrFile', '$(Build.BinariesDirectory)'));
  const includeRootFolder = inputs.bool('includeRootFolder', true);
  const archiveType = inputs.choice('archiveType', ARCHIVE_TYPES, 'zip');
  const compression = inputs.choice('tarCompression', TAR_COMPRESSIONS, 'gz');
  const archiveFile = resolveTaskPath(context, inputs.required('archiveFile', '$(Build.ArtifactStagingDirectory)/$(Build.BuildId).zip'));
  const replace = inputs.bool('replaceExistingArchive', true);

  if (archiveType === '7z' || archiveType === 'wim') {
    throw new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${label}: archiveType '${archiveType}' is not supported by the local runner; use zip or tar`);
  }
  if (archiveType === 'tar' && (compression === 'bz2' || compression === 'xz')) {
    throw new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${label}: tarCompression '${compression}' is not supported by the local runner; use gz or none`);
  }
  if (!(await stat(root).catch(() => undefined))) {
    throw new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${label}: rootFolderOrFile '${root}' does not exist; check the path, or create it in an earlier step`);
  }

  const exists = (await stat(archiveFile).catch(() => undefined)) !== undefined;
  if (exists && replace) {
    logTask(run, `Removing existing archive ${archiveFile}`);
    await rm(archiveFile, { force: true });
  }
  await mkdir(dirname(archiveFile), { recursive: true });
  const { cwd, items } = await archiveItems(root, includeRootFolder);
  logTask(run, `Creating ${archiveType} archive ${archiveFile} from ${items.length} item(s) in ${cwd}`);

  if (archiveType === 'zip') {
    // -r recurses, -y stores symbolic links as links, -q keeps the log short; zip updates an existing archive.
    if (items.length > 0) await runArchiveTool(label, 'zip', ['-r', '-y', '-q', archiveFile, '--', ...items], cwd, context.control.signal);
    else throw new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${label}: folder '${root}' is empty, and zip cannot create an empty archive; set includeRootFolder: true`);
  } else if (exists && !replace) {
    if (compression !== 'none') {
      throw new TaskStepError(RunnerErrorCode.TaskOperationFailed, `${label}: cannot add to the compressed archive '${archiveFile}'; set replaceExistingArchive: true or tarCompression: none`);
    }
    await tar.replace({ file: archiveFile, cwd, portable: true }, items);
  } else {
    await tar.create({ file: archiveFile, cwd, gzip: compression === 'gz', portable: true }, items);
  }

  const size = (await stat(archiveFile)).size;
  logTask(run, `Created ${archiveFile} (${size} bytes)`);
  return { result: 'succeeded' };
}
