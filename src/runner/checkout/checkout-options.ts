import { mkdir, readdir, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { copySources } from '../source-checkout.js';
import { gitFailure, isRepositoryRoot, runGit } from './checkout-git.js';

// Option semantics: learn.microsoft.com/azure/devops/pipelines/yaml-schema/steps-checkout.

/** Messages for the step log: info lines and warnings. */
export interface CheckoutNotes {
  info: string[];
  warnings: string[];
}

/**
 * `clean: true`: `git clean -ffdx` then `git reset --hard HEAD` in an existing
 * checkout before it is refreshed, as the agent does before fetching.
 */
export async function cleanCheckout(target: string, notes: CheckoutNotes): Promise<void> {
  if (!(await isRepositoryRoot(target))) {
    notes.info.push(`clean: ${target} holds no earlier checkout, so there is nothing to clean`);
    return;
  }
  await runGit(target, ['clean', '-ffdx']);
  await runGit(target, ['reset', '--hard', 'HEAD']);
  notes.info.push(`clean: ran 'git clean -ffdx' and 'git reset --hard HEAD' in ${target}`);
}

/**
 * `fetchDepth: N` (N > 0): a shallow clone of the source's committed HEAD through
 * the file:// transport (`--no-local`, so git honours `--depth`). Uncommitted
 * changes are not part of it, because a shallow history only exists for commits.
 */
export async function shallowClone(source: string, target: string, depth: number, fetchTags: boolean, notes: CheckoutNotes): Promise<number> {
  await rm(target, { recursive: true, force: true });
  await mkdir(dirname(target), { recursive: true });
  const args = ['clone', '--quiet', '--no-local', '--depth', String(depth), fetchTags ? '--tags' : '--no-tags', pathToFileURL(resolve(source)).href, target];
  await runGit(dirname(target), args);
  const count = (await runGit(target, ['rev-list', '--count', 'HEAD'])).trim();
  notes.info.push(`fetchDepth ${depth}: cloned ${count} commit(s) of ${resolve(source)}; uncommitted changes in the source are not included`);
  return (await runGit(target, ['ls-files', '-z'])).split('\0').filter((path) => path !== '').length;
}

/** `fetchTags: false` on a full copy: removes the tags that the shared clone brought along, from the copy only. */
export async function removeTags(target: string, notes: CheckoutNotes): Promise<void> {
  const tags = (await runGit(target, ['tag', '--list'])).split('\n').filter((tag) => tag !== '');
  if (tags.length === 0) return;
  await runGit(target, ['tag', '--delete', ...tags]);
  notes.info.push(`fetchTags is false: removed ${tags.length} tag(s) from the copy`);
}

/** Lists the submodule paths (gitlinks) of the repository at `root`, relative to it. */
async function submodulePaths(root: string): Promise<string[]> {
  const listing = await runGit(root, ['ls-files', '--stage', '-z']);
  return listing
    .split('\0')
    .filter((entry) => entry.startsWith('160000 '))
    .map((entry) => entry.slice(entry.indexOf('\t') + 1));
}

/**
 * Gives each submodule folder of the copy its contents. Without `submodules` the
 * folders stay empty, as after a clone that does not initialise them. With
 * `true` the direct submodules are copied from the source's initialised
 * submodules (tracked and untracked-not-ignored files, with history); `recursive`
 * repeats that for their submodules. A submodule the source never initialised stays empty, with a warning.
 * `knownPaths` are the source's submodule paths when the caller has already
 * listed them (CheckoutSummary.submodulePaths); otherwise git lists them.
 */
export async function copySubmodules(
  sourceRoot: string,
  targetRoot: string,
  mode: boolean | 'recursive' | undefined,
  notes: CheckoutNotes,
  depth = 0,
  knownPaths?: readonly string[],
): Promise<number> {
  if (knownPaths === undefined && !(await isRepositoryRoot(sourceRoot))) return 0;
  let fileCount = 0;
  for (const path of knownPaths ?? (await submodulePaths(sourceRoot))) {
    const target = join(targetRoot, path);
    await rm(target, { recursive: true, force: true });
    await mkdir(target, { recursive: true });
    const wanted = mode === 'recursive' || (mode === true && depth === 0);
    if (!wanted) continue;

    const source = join(sourceRoot, path);
    const entries = await readdir(source).catch(() => []);
    if (entries.length === 0) {
      notes.warnings.push(`submodule '${path}' is not initialised in ${sourceRoot}, so its folder stays empty; run 'git submodule update --init' there`);
      continue;
    }
    const summary = await copySources(source, target);
    fileCount += summary.fileCount;
    notes.warnings.push(...summary.warnings);
    notes.info.push(`submodule '${path}': copied ${summary.fileCount} ${summary.fileCount === 1 ? 'file' : 'files'} from ${source}`);
    fileCount += await copySubmodules(source, target, mode, notes, depth + 1);
  }
  return fileCount;
}

/** Returns true when git-lfs is installed (`git lfs version` succeeds). */
export async function hasGitLfs(cwd: string): Promise<boolean> {
  try {
    await runGit(cwd, ['lfs', 'version']);
    return true;
  } catch {
    return false;
  }
}

/**
 * `lfs: true`: replaces LFS pointer files in the checkout with their contents
 * (`git lfs pull`). The copy of a work tree already holds whatever the source
 * holds, so only a checkout with history is pulled. Without git-lfs the step
 * continues with a warning, because the pointer files still let many builds run.
 */
export async function fetchLfsObjects(target: string, hasHistory: boolean, notes: CheckoutNotes): Promise<void> {
  if (!(await hasGitLfs(target))) {
    notes.warnings.push("lfs is true but git-lfs is not installed, so LFS files stay as pointer files; install git-lfs (for example 'apt-get install git-lfs') and run again");
    return;
  }
  if (!hasHistory) {
    notes.info.push('lfs: the copy holds the LFS files as they are in the source work tree');
    return;
  }
  try {
    await runGit(target, ['lfs', 'pull']);
    notes.info.push(`lfs: ran 'git lfs pull' in ${target}`);
  } catch (error) {
    notes.warnings.push(`lfs: 'git lfs pull' failed in ${target}: ${gitFailure(error)}`);
  }
}
