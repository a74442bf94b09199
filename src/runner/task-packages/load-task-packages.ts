import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Diagnostic } from '../../language/diagnostic.js';
import { parseTaskDefinition, type TaskPackage } from './task-definition.js';
import { TaskPackageErrorCode } from './task-package-error-codes.js';

async function isFile(path: string): Promise<boolean> {
  return stat(path).then((stats) => stats.isFile(), () => false);
}

/** Lists the task folders under `dir`: `dir` itself when it contains task.json, else its direct subfolders that do. */
async function taskFolders(dir: string): Promise<string[]> {
  if (await isFile(join(dir, 'task.json'))) return [dir];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const folders: string[] = [];
  for (const entry of entries.filter((item) => item.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (await isFile(join(dir, entry.name, 'task.json'))) folders.push(join(dir, entry.name));
  }
  return folders;
}

async function loadOne(directory: string, diagnostics: Diagnostic[]): Promise<TaskPackage | undefined> {
  const file = join(directory, 'task.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    diagnostics.push({ code: TaskPackageErrorCode.ReadFailed, severity: 'error', message: `cannot read '${file}': ${(error as Error).message}`, hint: 'check the file permissions' });
    return undefined;
  }

  const parsed = parseTaskDefinition(text, file, directory);
  diagnostics.push(...parsed.diagnostics);
  if (!parsed.package) return undefined;

  for (const handler of [parsed.package.execution, parsed.package.postJobExecution]) {
    if (handler && !(await isFile(handler.target))) {
      diagnostics.push({
        code: TaskPackageErrorCode.HandlerFileMissing,
        severity: 'error',
        message: `the ${handler.kind} handler of '${file}' names '${handler.target}', which does not exist`,
        hint: 'build the task (for example with tsc) so the target script exists, or fix "target"',
        location: { file, line: 1, column: 1 },
      });
      return undefined;
    }
  }
  return { directory, file, ...parsed.package };
}

/**
 * Loads the task packages in `dirs` (each a folder with task.json, or a folder
 * of such folders). Every problem is collected as a coded diagnostic; the
 * tasks that loaded are returned even when others failed. A second task with
 * the same name or id and major version is reported and ignored.
 */
export async function loadTaskPackages(dirs: readonly string[]): Promise<{ tasks: TaskPackage[]; diagnostics: Diagnostic[] }> {
  const tasks: TaskPackage[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const dir of dirs.map((item) => resolve(item))) {
    const folders = await taskFolders(dir);
    if (folders.length === 0) {
      diagnostics.push({
        code: TaskPackageErrorCode.NoTaskJson,
        severity: 'error',
        message: `task folder '${dir}' does not exist or contains no task.json`,
        hint: 'pass a folder that contains task.json, or a folder whose subfolders do',
      });
      continue;
    }
    for (const folder of folders) {
      const loaded = await loadOne(folder, diagnostics);
      if (!loaded) continue;
      const { name, id, version } = loaded.definition;
      const clash = tasks.find((task) => task.definition.version.major === version.major && (task.definition.name.toLowerCase() === name.toLowerCase() || task.definition.id === id));
      if (clash) {
        diagnostics.push({
          code: TaskPackageErrorCode.DuplicateTask,
          severity: 'warning',
          message: `task ${name}@${version.major} in '${loaded.file}' has the same name or id as '${clash.file}' and is ignored`,
          hint: 'remove one of the two folders from --tasks, or give the task another major version',
        });
        continue;
      }
      tasks.push(loaded);
    }
  }
  return { tasks, diagnostics };
}

/** Finds the package for a `task:` reference by name or id (any case) and major version. */
export function findTaskPackage(tasks: readonly TaskPackage[], nameOrId: string, version: string): TaskPackage | undefined {
  const key = nameOrId.toLowerCase();
  const major = Number.parseInt(version.split('.')[0] ?? '', 10);
  return tasks.find((task) => (task.definition.name.toLowerCase() === key || task.definition.id === key) && task.definition.version.major === major);
}
