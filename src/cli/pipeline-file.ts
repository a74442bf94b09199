import { access } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** File names looked for, in order, when no pipeline file is given. */
export const DEFAULT_PIPELINE_FILES = ['azure-pipelines.yml', 'azure-pipelines.yaml', '.azure-pipelines.yml'];

export interface PipelineFile {
  /** Absolute path of the YAML file. */
  path: string;
  /** The path as diagnostics show it: relative to the checkout root. */
  displayPath: string;
  /** The checkout the pipeline runs in: the git work tree holding the file, else its folder. */
  sourceRoot: string;
}

/**
 * Finds the pipeline file: `given` when set, else the first default name in
 * the working directory, then at the root of the git work tree around it.
 * `sourceDir` (`--source-dir`) replaces the checkout root, which is otherwise the
 * git work tree holding the file, as in Azure. Returns a message for the user
 * when nothing is found.
 */
export async function resolvePipelineFile(cwd: string, given?: string, sourceDir?: string): Promise<PipelineFile | string> {
  const found = await findPipelineFile(cwd, given);
  if (typeof found === 'string' || sourceDir === undefined) return found;

  const sourceRoot = resolve(cwd, sourceDir);
  if (!(await exists(sourceRoot))) return `source folder '${sourceDir}' not found`;
  return { ...found, sourceRoot, displayPath: displayName(sourceRoot, found.path) };
}

async function findPipelineFile(cwd: string, given?: string): Promise<PipelineFile | string> {
  if (given) {
    const path = isAbsolute(given) ? given : resolve(cwd, given);
    if (!(await exists(path))) return `pipeline file '${given}' not found`;
    return describe(path);
  }

  const gitRoot = await findGitRoot(cwd);
  const folders = gitRoot && gitRoot !== cwd ? [cwd, gitRoot] : [cwd];
  for (const folder of folders) {
    for (const name of DEFAULT_PIPELINE_FILES) {
      const path = join(folder, name);
      if (await exists(path)) return describe(path);
    }
  }
  return `no pipeline file found: looked for ${DEFAULT_PIPELINE_FILES.join(', ')} in ${folders.join(' and ')}; pass the file as an argument`;
}

async function describe(path: string): Promise<PipelineFile> {
  const folder = resolve(path, '..');
  const sourceRoot = (await findGitRoot(folder)) ?? folder;
  return { path, displayPath: displayName(sourceRoot, path), sourceRoot };
}

/**
 * Names the file relative to the checkout root, as template files are named,
 * so every diagnostic of a run uses one base; absolute when outside the root.
 */
function displayName(sourceRoot: string, path: string): string {
  const name = relative(sourceRoot, path);
  return !name || name.startsWith('..') || isAbsolute(name) ? path : name.split(sep).join('/');
}

/**
 * Returns the top folder of the git work tree around `folder`: the nearest
 * folder with a `.git` entry (a folder, or a file in worktrees and submodules).
 * Looked up on disk because starting git costs more than the whole lookup.
 */
async function findGitRoot(folder: string): Promise<string | undefined> {
  for (let current = resolve(folder); ; current = dirname(current)) {
    if (await exists(join(current, '.git'))) return current;
    if (dirname(current) === current) return undefined;
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
