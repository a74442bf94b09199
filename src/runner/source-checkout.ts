import { execFile } from 'node:child_process';
import { copyFile, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

/** Most time one git command of the checkout may take before it is killed. */
export const CHECKOUT_GIT_TIMEOUT_MS = 120_000;

/** Largest `git ls-files` output accepted, in bytes. */
const MAX_LIST_BYTES = 256 * 1024 * 1024;

/** Summary of a copy checkout, for the step log. */
export interface CheckoutSummary {
  fileCount: number;
  /** True when the source is a git work tree (files chosen by git); false when the folder was copied whole. */
  fromGit: boolean;
  /** True when `s/` has a `.git` that shares the source's history. */
  hasHistory: boolean;
  warnings: string[];
}

async function git(cwd: string, args: string[], maxBuffer = 16 * 1024 * 1024): Promise<string> {
  const { stdout } = await execFileAsync('git', args, { cwd, timeout: CHECKOUT_GIT_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer });
  return stdout;
}

/**
 * True when `dir/.git` is a repository folder (with `objects` and `refs`) or a
 * `gitdir:` file, as in worktrees and submodules: then `dir` is a work tree's top.
 */
async function looksLikeWorkTreeTop(dir: string): Promise<boolean> {
  const dotGit = join(dir, '.git');
  const stats = await lstat(dotGit).catch(() => undefined);
  if (stats?.isDirectory()) {
    const entries = await readdir(dotGit).catch(() => [] as string[]);
    return entries.includes('objects') && entries.includes('refs') && entries.includes('HEAD');
  }
  if (stats?.isFile()) return (await readFile(dotGit, 'utf8').catch(() => '')).startsWith('gitdir:');
  return false;
}

/**
 * Resolves a checkout `path` against Agent.BuildDirectory, as Azure does, and
 * returns undefined when it points outside the build directory or at it.
 */
export function checkoutPathInside(buildDirectory: string, path: string): string | undefined {
  const target = resolve(buildDirectory, path);
  return isInside(target, buildDirectory) && target !== resolve(buildDirectory) ? target : undefined;
}

function isInside(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !rel.startsWith(sep) && rel !== '..');
}

/** Copies one entry; a symlink is recreated as a symlink with the same target, never followed. */
async function copyEntry(source: string, target: string): Promise<boolean> {
  const stats = await lstat(source).catch(() => undefined);
  if (!stats) return false; // Deleted in the work tree but still in the index: the copy matches the work tree.

  await mkdir(dirname(target), { recursive: true });
  if (stats.isSymbolicLink()) {
    await rm(target, { force: true });
    await symlink(await readlink(source), target);
    return true;
  }
  if (stats.isDirectory()) return (await copyTree(source, target, new Set(['.git']))) > 0;
  if (!stats.isFile()) return false;

  await copyFile(source, target);
  return true;
}

/** Copies a folder recursively, skipping entries named in `skipNames` and any absolute path in `skipPaths`. */
async function copyTree(source: string, target: string, skipNames: Set<string>, skipPaths: string[] = []): Promise<number> {
  let count = 0;
  await mkdir(target, { recursive: true });
  for (const entry of await readdir(source, { withFileTypes: true })) {
    if (skipNames.has(entry.name)) continue;
    const from = join(source, entry.name);
    if (skipPaths.some((skip) => isInside(from, skip))) continue;

    const to = join(target, entry.name);
    if (entry.isDirectory()) count += await copyTree(from, to, skipNames, skipPaths);
    else if (await copyEntry(from, to)) count += 1;
  }
  return count;
}

/**
 * Gives `s/` a `.git` that shares the source's objects (`git clone --shared`, which
 * writes nothing into the source), with an index at HEAD, so `git status`,
 * `git describe` and setuptools_scm work in the copy as in an agent's checkout.
 */
async function cloneHistory(sourceRoot: string, target: string, warnings: string[]): Promise<boolean> {
  // Cloned beside the target, so the files can be copied into the target at the same time.
  const staging = `${target}.history`;
  try {
    await rm(staging, { recursive: true, force: true });
    await git(dirname(target), ['clone', '--quiet', '--shared', '--no-checkout', sourceRoot, staging]);
    return true;
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    const message = (error as Error).message.split('\n')[0] ?? '';
    warnings.push(`the copy of the sources has no git history, so git commands in steps will fail: ${message}`);
    return false;
  }
}

/**
 * Moves the cloned history into the copied files and gives it an index: the
 * source's own index when it is a plain `.git` folder (git refreshes the file
 * times on the next status), else one built at HEAD by `git reset`.
 */
async function attachHistory(sourceRoot: string, target: string, warnings: string[]): Promise<boolean> {
  const staging = `${target}.history`;
  try {
    await rename(join(staging, '.git'), join(target, '.git'));
    const copiedIndex = await copyFile(join(sourceRoot, '.git', 'index'), join(target, '.git', 'index')).then(
      () => true,
      () => false,
    );
    if (!copiedIndex) await git(target, ['reset', '--quiet']);
    return true;
  } catch (error) {
    await rm(join(target, '.git'), { recursive: true, force: true });
    const message = (error as Error).message.split('\n')[0] ?? '';
    warnings.push(`the copy of the sources has no git history, so git commands in steps will fail: ${message}`);
    return false;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Copies the sources at `source` into the empty folder `target`. In a git work
 * tree the copy contains the files git tracks or does not ignore, uncommitted changes
 * included (`git ls-files --cached --others --exclude-standard`). A folder outside
 * git is copied whole except `.git` folders and `excludePath` (the work root when
 * it lies inside the source, which would otherwise copy into itself). Symlinks are
 * copied as symlinks. Nothing is written into `source`.
 */
export async function copySources(source: string, target: string, excludePath?: string): Promise<CheckoutSummary> {
  const warnings: string[] = [];
  const sourceDir = resolve(source);
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });

  const skipPaths = excludePath && isInside(resolve(excludePath), sourceDir) ? [resolve(excludePath)] : [];
  // A real `.git` entry marks the top of a work tree without starting git; otherwise
  // `--show-toplevel` answers both questions, failing outside a work tree.
  const topLevel = (await looksLikeWorkTreeTop(sourceDir))
    ? sourceDir
    : (await git(sourceDir, ['rev-parse', '--show-toplevel']).catch(() => '')).trim();
  if (topLevel === '') {
    const fileCount = await copyTree(sourceDir, target, new Set(['.git']), skipPaths);
    return { fileCount, fromGit: false, hasHistory: false, warnings };
  }

  const prefix = relative(topLevel, sourceDir);
  if (prefix !== '') warnings.push(`the sources are a subfolder of the repository ${topLevel}; the copy has no git history`);

  // The history is cloned while the files are copied, then moved into place.
  const history = prefix === '' ? cloneHistory(topLevel, target, warnings) : Promise.resolve(false);
  const copied = (async () => {
    const listing = await git(sourceDir, ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], MAX_LIST_BYTES);
    const files = new Set(listing.split('\0').filter((path) => path !== ''));
    let count = 0;
    for (const path of files) {
      const from = join(sourceDir, path);
      if (skipPaths.some((skip) => isInside(from, skip))) continue;
      if (await copyEntry(from, join(target, path))) count += 1;
    }
    return count;
  })();
  const [cloned, fileCount] = await Promise.all([history, copied]);
  const hasHistory = cloned ? await attachHistory(topLevel, target, warnings) : false;
  return { fileCount, fromGit: true, hasHistory, warnings };
}
