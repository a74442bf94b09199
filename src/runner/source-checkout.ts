import { execFile } from 'node:child_process';
import { lstatSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { copyFile, lstat, mkdir, readdir, readlink, rename, rm, symlink } from 'node:fs/promises';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { sourceSnapshot } from './checkout/source-snapshot.js';
import { NO_PUSH_URL, sharedCloneOperations } from './checkout/shared-clone.js';
import { fileBatchError, runFileBatch, type FileGroupResult, type FileOperation } from './file-batch.js';

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
function looksLikeWorkTreeTop(dir: string): boolean {
  const dotGit = join(dir, '.git');
  try {
    const stats = lstatSync(dotGit);
    if (stats.isDirectory()) {
      const entries = readdirSync(dotGit);
      return entries.includes('objects') && entries.includes('refs') && entries.includes('HEAD');
    }
    return stats.isFile() && readFileSync(dotGit, 'utf8').startsWith('gitdir:');
  } catch {
    return false;
  }
}

/** Results of looksLikeWorkTreeTop by run (the work root) and folder, because all checkouts of a run check the same folder. */
const workTreeTops = new Map<string, boolean>();

/** looksLikeWorkTreeTop, asked once per run when `runKey` (the run's work root) is given. */
function isWorkTreeTop(dir: string, runKey: string | undefined): boolean {
  if (runKey === undefined) return looksLikeWorkTreeTop(dir);
  const key = `${resolve(runKey)}\0${dir}`;
  let top = workTreeTops.get(key);
  if (top === undefined) {
    top = looksLikeWorkTreeTop(dir);
    // A server runs many runs in one process, so the oldest results are dropped first.
    if (workTreeTops.size >= 64) workTreeTops.delete(workTreeTops.keys().next().value!);
    workTreeTops.set(key, top);
  }
  return top;
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

/**
 * Listed files copied per file batch: a few milliseconds of work, so that other
 * jobs' batches are not held up for long behind a large checkout.
 */
const COPY_BATCH_SIZE = 256;

/** Folders one copy has created or is creating, so that files in one folder share one `mkdir`. */
type CreatedFolders = Map<string, Promise<unknown>>;

function ensureFolder(folder: string, folders: CreatedFolders): Promise<unknown> {
  let created = folders.get(folder);
  if (created === undefined) {
    created = mkdir(folder, { recursive: true });
    folders.set(folder, created);
  }
  return created;
}

/** Copies one entry; a symlink is recreated as a symlink with the same target, never followed. */
async function copyEntry(source: string, target: string, folders: CreatedFolders): Promise<boolean> {
  const stats = await lstat(source).catch(() => undefined);
  if (!stats) return false; // Deleted in the work tree but still in the index: the copy matches the work tree.

  await ensureFolder(dirname(target), folders);
  if (stats.isSymbolicLink()) {
    await rm(target, { force: true });
    await symlink(await readlink(source), target);
    return true;
  }
  if (stats.isDirectory()) return (await copyTree(source, target, new Set(['.git']), [], folders)) > 0;
  if (!stats.isFile()) return false;

  await copyFile(source, target);
  return true;
}

/** Copies a folder recursively, skipping entries named in `skipNames` and any absolute path in `skipPaths`. */
async function copyTree(source: string, target: string, skipNames: Set<string>, skipPaths: string[], folders: CreatedFolders): Promise<number> {
  let count = 0;
  await ensureFolder(target, folders);
  for (const entry of await readdir(source, { withFileTypes: true })) {
    if (skipNames.has(entry.name)) continue;
    const from = join(source, entry.name);
    if (skipPaths.some((skip) => isInside(from, skip))) continue;

    const to = join(target, entry.name);
    if (entry.isDirectory()) count += await copyTree(from, to, skipNames, skipPaths, folders);
    else if (await copyEntry(from, to, folders)) count += 1;
  }
  return count;
}

/** Makes `target` an empty folder: a new folder or an empty one costs no round trip to the thread pool. */
async function emptyFolder(target: string): Promise<void> {
  let entries: string[] | undefined;
  try {
    entries = readdirSync(target);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  if (entries !== undefined && entries.length === 0) return;
  if (entries !== undefined) await rm(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
}

/** Removes a git folder that could not be completed, warns that the copy has no history, and returns false. */
async function dropHistory(gitFolder: string, error: unknown, warnings: string[]): Promise<false> {
  await rm(gitFolder, { recursive: true, force: true });
  const message = (error as Error).message.split('\n')[0] ?? '';
  warnings.push(`the copy of the sources has no git history, so git commands in steps will fail: ${message}`);
  return false;
}

/**
 * Gives `s/` a `.git` that shares the source's objects, as `git clone --shared`
 * does (which writes nothing into the source), with an index at HEAD, so
 * `git status`, `git describe` and setuptools_scm work in the copy as in an
 * agent's checkout. This is the way for a source without a clone plan (see
 * readSharedClonePlan): git clones into a folder beside the target, so the files
 * can be copied at the same time, and attachHistory moves the clone in.
 * Returns false when git failed.
 */
async function cloneHistory(sourceRoot: string, target: string, warnings: string[]): Promise<boolean> {
  const staging = `${target}.history`;
  try {
    await rm(staging, { recursive: true, force: true });
    await git(dirname(target), ['clone', '--quiet', '--shared', '--no-checkout', sourceRoot, staging]);
    return true;
  } catch (error) {
    return dropHistory(staging, error, warnings);
  }
}

/**
 * Moves a staged history into the copied files and gives it an index: the
 * source's own index when it is a plain `.git` folder (git refreshes the file
 * times on the next status), else one built at HEAD by `git reset`.
 */
async function attachHistory(sourceRoot: string, target: string, warnings: string[]): Promise<boolean> {
  const staging = `${target}.history`;
  try {
    await rename(join(staging, '.git'), join(target, '.git'));
    // As in a written clone, a step's `git push` must not reach the user's checkout.
    for (const remote of (await git(target, ['remote'])).split('\n').filter((name) => name !== '')) {
      await git(target, ['config', `remote.${remote}.pushurl`, NO_PUSH_URL]);
    }
    const copiedIndex = await copyFile(join(sourceRoot, '.git', 'index'), join(target, '.git', 'index')).then(
      () => true,
      () => false,
    );
    if (!copiedIndex) await git(target, ['reset', '--quiet']);
    return true;
  } catch (error) {
    return dropHistory(join(target, '.git'), error, warnings);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/**
 * Checks the batch that wrote `.git` and copied the source's index as its last
 * operation, at `indexCopy`. When only the index copy failed, `git reset` builds
 * an index at HEAD. When `.git` could not be written, it is removed and the copy
 * has no history. Returns whether the copy has a working `.git`.
 */
async function finishWrittenHistory(target: string, history: FileGroupResult, indexCopy: number, warnings: string[]): Promise<boolean> {
  try {
    if (history.error !== undefined && history.error.index < indexCopy) throw fileBatchError(history.error);
    if (history.error !== undefined) await git(target, ['reset', '--quiet']);
    return true;
  } catch (error) {
    return dropHistory(join(target, '.git'), error, warnings);
  }
}

/**
 * Starts reading the source listing that the jobs of the run with `workRoot` will
 * share, when `source` is the top of a git work tree. The git processes then run
 * while the run is set up rather than in the first checkout. A failure is left
 * for that checkout to report.
 */
export function prefetchSourceSnapshot(source: string, workRoot: string): void {
  const sourceDir = resolve(source);
  // isWorkTreeTop caches its result, so the run's first checkout does not check again.
  if (!isWorkTreeTop(sourceDir, workRoot)) return;
  sourceSnapshot(sourceDir, sourceDir, resolve(workRoot)).catch(() => undefined);
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
  await emptyFolder(target);
  const folders: CreatedFolders = new Map([[target, Promise.resolve()]]);

  const skipPaths = excludePath && isInside(resolve(excludePath), sourceDir) ? [resolve(excludePath)] : [];
  // A real `.git` entry marks the top of a work tree without starting git; otherwise
  // `--show-toplevel` answers both questions, failing outside a work tree.
  const topLevel = isWorkTreeTop(sourceDir, excludePath)
    ? sourceDir
    : (await git(sourceDir, ['rev-parse', '--show-toplevel']).catch(() => '')).trim();
  if (topLevel === '') {
    const fileCount = await copyTree(sourceDir, target, new Set(['.git']), skipPaths, folders);
    return { fileCount, fromGit: false, hasHistory: false, warnings };
  }

  const prefix = relative(topLevel, sourceDir);
  if (prefix !== '') warnings.push(`the sources are a subfolder of the repository ${topLevel}; the copy has no git history`);

  // The jobs of a run share one listing of the source (keyed by the work root).
  const snapshot = await sourceSnapshot(sourceDir, topLevel, excludePath === undefined ? undefined : resolve(excludePath));
  const paths = skipPaths.length === 0 ? snapshot.files : snapshot.files.filter((path) => !skipPaths.some((skip) => isInside(join(sourceDir, path), skip)));
  const plan = prefix === '' ? snapshot.clonePlan : undefined;
  // Without a clone plan, git clones beside the target while the files are copied.
  const cloned = prefix !== '' || plan !== undefined ? Promise.resolve(false) : cloneHistory(topLevel, target, warnings);

  // With a plan, the first files, the `.git` folder and its index go in one batch.
  const historyGroup = plan === undefined ? [] : [...sharedCloneOperations(plan, target), { kind: 'copy' as const, from: join(topLevel, '.git', 'index'), to: join(target, '.git', 'index') }];
  let fileCount = 0;
  let hasHistory: boolean | undefined;
  for (let start = 0; start < paths.length || (start === 0 && historyGroup.length > 0); start += COPY_BATCH_SIZE) {
    const chunk = paths.slice(start, start + COPY_BATCH_SIZE);
    const copyGroup: FileOperation[] = chunk.map((path) => {
      const to = join(target, path);
      return { kind: 'copyEntry', from: join(sourceDir, path), to, toFolder: dirname(to) };
    });
    const [copied, history] = await runFileBatch(start === 0 && historyGroup.length > 0 ? [copyGroup, historyGroup] : [copyGroup]);
    if (copied!.error !== undefined) throw fileBatchError(copied!.error);
    for (const [index, result] of copied!.results.entries()) {
      if (result === 'copied') fileCount += 1;
      // A folder in the listing is a submodule's work tree, copied whole.
      else if (result === 'folder' && (await copyTree(join(sourceDir, chunk[index]!), join(target, chunk[index]!), new Set(['.git']), [], folders)) > 0) fileCount += 1;
    }
    if (history !== undefined) hasHistory = await finishWrittenHistory(target, history, historyGroup.length - 1, warnings);
  }
  if (await cloned) hasHistory = await attachHistory(topLevel, target, warnings);
  const submodulePaths = prefix === '' ? snapshot.submodulePaths : [];
  return { fileCount, fromGit: true, hasHistory: hasHistory ?? false, warnings, submodulePaths };
}
