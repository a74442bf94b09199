import { execFile } from 'node:child_process';
import { copyFile, lstat, mkdir, readdir, readFile, readlink, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { sourceSnapshot } from './checkout/source-snapshot.js';
import { writeSharedClone, type SharedClonePlan } from './checkout/shared-clone.js';

const execFileAsync = promisify(execFile);

/** Most time one git command of the checkout may take before it is killed. */
export const CHECKOUT_GIT_TIMEOUT_MS = 120_000;

/** Summary of a copy checkout, for the step log. */
export interface CheckoutSummary {
  fileCount: number;
  /** True when the source is a git work tree (files chosen by git); false when the folder was copied whole. */
  fromGit: boolean;
  /** True when `s/` has a `.git` that shares the source's history. */
  hasHistory: boolean;
  warnings: string[];
  /** Submodule paths (gitlinks) of a git work tree, empty for a subfolder of one; undefined outside git. */
  submodulePaths?: string[];
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

/** Location of the history that cloneHistory made: beside the target (to be moved in), in the target already, or none. */
type ClonedHistory = 'staged' | 'in-place' | undefined;

/**
 * Gives `s/` a `.git` that shares the source's objects, as `git clone --shared`
 * does (which writes nothing into the source), with an index at HEAD, so
 * `git status`, `git describe` and setuptools_scm work in the copy as in an
 * agent's checkout. With a clone plan the `.git` folder is written straight
 * into `target` without starting git, which is safe because the file list never
 * contains `.git`. Otherwise git clones into a folder beside the target, so the
 * files can be copied at the same time.
 */
async function cloneHistory(sourceRoot: string, target: string, plan: SharedClonePlan | undefined, warnings: string[]): Promise<ClonedHistory> {
  const staging = `${target}.history`;
  try {
    if (plan !== undefined) {
      await writeSharedClone(plan, target);
      return 'in-place';
    }
    await rm(staging, { recursive: true, force: true });
    await git(dirname(target), ['clone', '--quiet', '--shared', '--no-checkout', sourceRoot, staging]);
    return 'staged';
  } catch (error) {
    await rm(plan === undefined ? staging : join(target, '.git'), { recursive: true, force: true });
    const message = (error as Error).message.split('\n')[0] ?? '';
    warnings.push(`the copy of the sources has no git history, so git commands in steps will fail: ${message}`);
    return undefined;
  }
}

/**
 * Moves a staged history into the copied files and gives it an index: the
 * source's own index when it is a plain `.git` folder (git refreshes the file
 * times on the next status), else one built at HEAD by `git reset`.
 */
async function attachHistory(sourceRoot: string, target: string, cloned: 'staged' | 'in-place', warnings: string[]): Promise<boolean> {
  const staging = `${target}.history`;
  try {
    if (cloned === 'staged') await rename(join(staging, '.git'), join(target, '.git'));
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
    if (cloned === 'staged') await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Copies the sources at `source` into the empty folder `target`. In a git work
 * tree the copy contains the files git tracks or does not ignore, uncommitted changes
 * included (`git ls-files --cached --others --exclude-standard`). A folder outside
 * git is copied whole except `.git` folders and `excludePath` (the work root when
 * it lies inside the source, which would otherwise copy into itself). Symlinks are
 * copied as symlinks. Nothing is written into `source`. Calls with the same
 * `excludePath` (the run's work root) share one listing of the source's files,
 * taken at the first call (see sourceSnapshot).
 */
export async function copySources(source: string, target: string, excludePath?: string): Promise<CheckoutSummary> {
  const warnings: string[] = [];
  const sourceDir = resolve(source);
  // The source is inspected while the target is emptied: these are independent round trips.
  const isTop = looksLikeWorkTreeTop(sourceDir);
  await rm(target, { recursive: true, force: true });
  await mkdir(target, { recursive: true });

  const skipPaths = excludePath && isInside(resolve(excludePath), sourceDir) ? [resolve(excludePath)] : [];
  // A real `.git` entry marks the top of a work tree without starting git; otherwise
  // `--show-toplevel` answers both questions, failing outside a work tree.
  const topLevel = (await isTop)
    ? sourceDir
    : (await git(sourceDir, ['rev-parse', '--show-toplevel']).catch(() => '')).trim();
  if (topLevel === '') {
    const fileCount = await copyTree(sourceDir, target, new Set(['.git']), skipPaths);
    return { fileCount, fromGit: false, hasHistory: false, warnings };
  }

  const prefix = relative(topLevel, sourceDir);
  if (prefix !== '') warnings.push(`the sources are a subfolder of the repository ${topLevel}; the copy has no git history`);

  // The jobs of a run share one listing of the source (keyed by the work root), and the
  // history is written while the files are copied.
  const snapshot = await sourceSnapshot(sourceDir, topLevel, excludePath === undefined ? undefined : resolve(excludePath));
  // A history written in place gets its index while the files are still being copied.
  const history = prefix === '' ? cloneHistory(topLevel, target, snapshot.clonePlan, warnings) : Promise.resolve(undefined);
  const attached = history.then((cloned) => (cloned === 'in-place' ? attachHistory(topLevel, target, cloned, warnings) : undefined));
  const copied = (async () => {
    let count = 0;
    for (const path of snapshot.files) {
      const from = join(sourceDir, path);
      if (skipPaths.some((skip) => isInside(from, skip))) continue;
      if (await copyEntry(from, join(target, path))) count += 1;
    }
    return count;
  })();
  const [cloned, fileCount, attachedInPlace] = await Promise.all([history, copied, attached]);
  const hasHistory = cloned === undefined ? false : (attachedInPlace ?? (await attachHistory(topLevel, target, cloned, warnings)));
  const submodulePaths = prefix === '' ? snapshot.submodulePaths : [];
  return { fileCount, fromGit: true, hasHistory, warnings, submodulePaths };
}
