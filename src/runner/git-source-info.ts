import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { plainGitDirectory, readHead, readLooseCommitMessage, resolveRef } from './git-files.js';

const execFileAsync = promisify(execFile);

/** Most time a single git query may take before it is killed. */
const GIT_QUERY_TIMEOUT_MS = 30_000;

/**
 * Longest Build.SourceVersionMessage: Azure keeps the first line or the first
 * 200 characters, whichever is shorter (learn.microsoft.com …/build/variables).
 */
export const SOURCE_VERSION_MESSAGE_MAX_LENGTH = 200;

/** Source details the CLI uses to fill Build.SourceBranch, SourceBranchName, SourceVersion and SourceVersionMessage. */
export interface GitSourceInfo {
  /** Full ref such as `refs/heads/main`; empty when `dir` is not a repository and no override is given. */
  branch: string;
  /** Last path segment of `branch` (`refs/heads/feature/tools` → `tools`). */
  branchName: string;
  /** Commit SHA of HEAD; empty outside a repository or before the first commit. */
  commit: string;
  /** First line of the commit message, cut to SOURCE_VERSION_MESSAGE_MAX_LENGTH characters. */
  message: string;
  isRepository: boolean;
}

async function runGit(dir: string, args: string[]): Promise<string | undefined> {
  try {
    const { stdout } = await execFileAsync('git', args, {
      cwd: dir,
      timeout: GIT_QUERY_TIMEOUT_MS,
      killSignal: 'SIGKILL',
      maxBuffer: 4 * 1024 * 1024,
    });
    return stdout;
  } catch {
    return undefined;
  }
}

/** Turns a branch name or a ref into a full ref: `main` → `refs/heads/main`, `refs/tags/v1` stays. */
export function toFullRef(branch: string): string {
  if (branch.startsWith('refs/')) return branch;
  return `refs/heads/${branch}`;
}

/** Returns the last path segment of a ref, as Build.SourceBranchName does. */
export function branchNameOf(ref: string): string {
  const parts = ref.split('/');
  return parts[parts.length - 1] ?? ref;
}

/**
 * Reads the branch, commit and commit message of the git work tree at `dir`.
 * A detached HEAD has no branch, so `branch` is the commit SHA itself, which is
 * what Azure shows for a run queued on a commit. `branchOverride` (a branch name or
 * a full ref) replaces the branch read from git. Every git failure is caught, so a
 * folder outside git gives `isRepository: false` and empty values.
 */
export async function readGitSourceInfo(dir: string, branchOverride?: string): Promise<GitSourceInfo> {
  const fromFiles = await readGitSourceInfoFromFiles(dir, branchOverride);
  if (fromFiles !== undefined) return fromFiles;

  // One rev-parse answers three questions; it fails outside a repository and before the first commit.
  const combined = await runGit(dir, ['rev-parse', '--is-inside-work-tree', 'HEAD', '--symbolic-full-name', 'HEAD']);
  const lines = combined?.split(/\r?\n/) ?? [];
  if (lines[0]?.trim() === 'true' && /^[0-9a-f]{40,64}$/.test(lines[1]?.trim() ?? '')) {
    const commit = lines[1]!.trim();
    const symbolic = lines[2]?.trim() ?? '';
    // A detached HEAD prints `HEAD` as its symbolic name, so the branch is the commit itself.
    const branch = branchOverride ? toFullRef(branchOverride) : symbolic.startsWith('refs/') ? symbolic : commit;
    const subject = (await runGit(dir, ['log', '-1', '--format=%B', 'HEAD'])) ?? '';
    const message = (subject.split(/\r?\n/)[0] ?? '').slice(0, SOURCE_VERSION_MESSAGE_MAX_LENGTH);
    return { branch, branchName: branchNameOf(branch), commit, message, isRepository: true };
  }
  return readGitSourceInfoSlowly(dir, branchOverride);
}

/**
 * Reads the same facts from the files under `dir/.git` without starting git,
 * which saves two git processes at the start of every run. Returns undefined
 * when the repository needs git to interpret it (see plainGitDirectory), when
 * HEAD has no commit yet, or when the commit is packed, so that git is asked instead.
 */
async function readGitSourceInfoFromFiles(dir: string, branchOverride?: string): Promise<GitSourceInfo | undefined> {
  const gitDir = await plainGitDirectory(dir);
  if (gitDir === undefined) return undefined;
  const head = await readHead(gitDir);
  if (head === undefined) return undefined;

  const commit = head.kind === 'detached' ? head.commit : await resolveRef(gitDir, head.ref);
  if (commit === undefined) return undefined;
  const body = await readLooseCommitMessage(gitDir, commit);
  if (body === undefined) return undefined;

  // A detached HEAD has no branch, so the branch is the commit itself, as with git.
  let branch = head.kind === 'symbolic' ? head.ref : commit;
  if (branchOverride) branch = toFullRef(branchOverride);
  const message = (body.split(/\r?\n/)[0] ?? '').slice(0, SOURCE_VERSION_MESSAGE_MAX_LENGTH);
  return { branch, branchName: branchNameOf(branch), commit, message, isRepository: true };
}

/** Asks one question per git call; used when the combined query fails (no repository, or no commit yet). */
async function readGitSourceInfoSlowly(dir: string, branchOverride?: string): Promise<GitSourceInfo> {
  const inside = await runGit(dir, ['rev-parse', '--is-inside-work-tree']);
  const isRepository = inside?.trim() === 'true';

  let branch = branchOverride ? toFullRef(branchOverride) : '';
  let commit = '';
  let message = '';
  if (isRepository) {
    commit = (await runGit(dir, ['rev-parse', '--verify', '--quiet', 'HEAD']))?.trim() ?? '';
    if (commit !== '') {
      const subject = (await runGit(dir, ['log', '-1', '--format=%B', 'HEAD'])) ?? '';
      const firstLine = subject.split(/\r?\n/)[0] ?? '';
      message = firstLine.slice(0, SOURCE_VERSION_MESSAGE_MAX_LENGTH);
    }
    if (!branchOverride) {
      // symbolic-ref fails on a detached HEAD; an unborn branch still has a name.
      const symbolic = (await runGit(dir, ['symbolic-ref', '--quiet', 'HEAD']))?.trim();
      branch = symbolic && symbolic !== '' ? symbolic : commit;
    }
  }

  return { branch, branchName: branch === '' ? '' : branchNameOf(branch), commit, message, isRepository };
}
