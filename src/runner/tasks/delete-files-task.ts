import { readdir, rm, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import picomatch from 'picomatch';
import { splitPatternLines } from '../test-results/find-matching-files.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { defaultWorkingDirectory, logTask, resolveTaskPath, type BuiltinTaskRun } from './builtin-task-run.js';
import { TaskStepError } from './task-step-error.js';

/** Lists every file and folder under `root` as relative `/` paths, parents before children. */
async function listEntries(root: string): Promise<string[]> {
  const entries: string[] = [];
  const pending = [''];
  while (pending.length > 0) {
    const folder = pending.shift() as string;
    for (const entry of await readdir(join(root, folder), { withFileTypes: true }).catch(() => [])) {
      const path = folder === '' ? entry.name : `${folder}/${entry.name}`;
      entries.push(path);
      if (entry.isDirectory()) pending.push(path);
    }
  }
  return entries;
}

/**
 * DeleteFiles@1: deletes the files and folders under SourceFolder that the
 * `Contents` lines match (a matched folder goes with its content), then the
 * source folder itself with RemoveSourceFolder. Names starting with `.` match
 * only with RemoveDotFiles. Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/delete-files-v1
 */
export async function runDeleteFiles(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context } = run;
  const sourceFolder = resolveTaskPath(context, inputs.text('SourceFolder', defaultWorkingDirectory(context)));
  const patterns = splitPatternLines(inputs.required('Contents'));
  const removeDotFiles = inputs.bool('RemoveDotFiles');

  if (!(await stat(sourceFolder).catch(() => undefined))) {
    logTask(run, `Source folder ${sourceFolder} does not exist; nothing to delete`);
    return { result: 'succeeded' };
  }
  const entries = await listEntries(sourceFolder);
  const selected = new Set<string>();
  for (const line of patterns) {
    const negations = /^!+/.exec(line)?.[0].length ?? 0;
    let pattern = line.slice(negations);
    if (isAbsolute(pattern)) {
      const inside = relative(sourceFolder, pattern);
      if (inside.startsWith('..')) {
        throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${run.label}: pattern '${line}' is outside SourceFolder '${sourceFolder}'; write patterns relative to SourceFolder`);
      }
      pattern = inside.split(sep).join('/');
    }
    const isMatch = picomatch(pattern, { dot: removeDotFiles, nobrace: true });
    if (negations % 2 === 1) {
      for (const item of [...selected]) if (isMatch(item)) selected.delete(item);
    } else {
      for (const item of entries) if (isMatch(item)) selected.add(item);
    }
  }

  // A folder removes its content, so entries below an already removed folder are skipped.
  let deleted = 0;
  const removedFolders: string[] = [];
  for (const item of [...selected].sort()) {
    if (removedFolders.some((folder) => item.startsWith(`${folder}/`))) continue;
    const full = join(sourceFolder, item);
    const isFolder = (await stat(full).catch(() => undefined))?.isDirectory() ?? false;
    await rm(full, { recursive: true, force: true });
    if (isFolder) removedFolders.push(item);
    logTask(run, `Deleted ${full}`);
    deleted += 1;
  }
  if (inputs.bool('RemoveSourceFolder')) {
    await rm(sourceFolder, { recursive: true, force: true });
    logTask(run, `Deleted source folder ${sourceFolder}`);
  }
  logTask(run, `Deleted ${deleted} item(s) under ${sourceFolder}`);
  return { result: 'succeeded' };
}
