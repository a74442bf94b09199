import type { Pipeline } from '../../store/pipeline-repository.js';
import { ApiError } from '../api-error.js';
import { runGit } from '../git-command.js';
import type { RepositoryMirrors } from '../repository-mirrors.js';
import type { RefMap } from './polled-refs.js';

/** Maximum time one `git ls-remote` of the poller may take, in milliseconds. */
export const LS_REMOTE_TIMEOUT_MS = 60_000;

/** Maximum time a read-only git query on a mirror may take, in milliseconds. */
const QUERY_TIMEOUT_MS = 60_000;

/** Maximum number of commit messages read for one push, so skip tokens in older commits of a larger push are not seen. */
export const MAX_PUSH_MESSAGES = 1000;

/**
 * Read-only git queries on the server's bare mirror of a pipeline's
 * repository, for trigger decisions: changed paths, commit messages, branch
 * heads. Fetching stays with RepositoryMirrors.
 */
export class MirrorGit {
  constructor(private readonly mirrors: RepositoryMirrors) {}

  /**
   * Fetches every ref of the pipeline's repository into its mirror, cloning it
   * on first use. A missing default branch is not an error here.
   */
  async fetch(pipeline: Pipeline): Promise<void> {
    try {
      await this.mirrors.fetchRevision(pipeline, pipeline.defaultBranch);
    } catch (error) {
      if (error instanceof ApiError && error.code === 'SRV006') return;
      throw error;
    }
  }

  /** Returns the commit a ref points to in the mirror, or undefined. */
  async resolve(pipelineId: number, revision: string): Promise<string | undefined> {
    const output = await this.git(pipelineId, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${revision}^{commit}`]).catch(() => undefined);
    const sha = output?.trim();
    return sha === undefined || sha === '' ? undefined : sha;
  }

  /** Reads one file at a commit; undefined when the commit has no such file. */
  async readFile(pipelineId: number, commit: string, path: string): Promise<string | undefined> {
    return this.git(pipelineId, ['show', '--end-of-options', `${commit}:${path}`]).catch(() => undefined);
  }

  /** Returns the parents of a commit, first parent first. */
  async parents(pipelineId: number, commit: string): Promise<string[]> {
    const output = await this.git(pipelineId, ['rev-list', '--parents', '-n', '1', '--end-of-options', commit]);
    return output.trim().split(/\s+/).slice(1);
  }

  /** Returns the paths that differ between two commits, relative to the repository root. */
  async changedPaths(pipelineId: number, from: string, to: string): Promise<string[]> {
    const output = await this.git(pipelineId, ['diff', '--name-only', '--no-renames', '-z', '--end-of-options', from, to]);
    return output.split('\0').filter((path) => path !== '');
  }

  /** Returns every file path of a commit, for a new branch that shares no history with the default branch. */
  async allPaths(pipelineId: number, commit: string): Promise<string[]> {
    const output = await this.git(pipelineId, ['ls-tree', '-r', '-z', '--name-only', '--end-of-options', commit]);
    return output.split('\0').filter((path) => path !== '');
  }

  /** Returns the best common ancestor of two commits, or undefined when they share no history. */
  async mergeBase(pipelineId: number, left: string, right: string): Promise<string | undefined> {
    const output = await this.git(pipelineId, ['merge-base', '--end-of-options', left, right]).catch(() => undefined);
    const sha = output?.trim();
    return sha === undefined || sha === '' ? undefined : sha;
  }

  /**
   * Returns the full messages of the commits in `before..after`, newest first,
   * at most MAX_PUSH_MESSAGES; only `after` itself when `before` is undefined.
   */
  async commitMessages(pipelineId: number, before: string | undefined, after: string): Promise<string[]> {
    const limit = before === undefined ? '1' : String(MAX_PUSH_MESSAGES);
    const range = before === undefined ? after : `${before}..${after}`;
    const output = await this.git(pipelineId, ['log', '--format=%B%x00', '-n', limit, '--end-of-options', range]);
    return output
      .split('\0')
      .map((message) => message.trim())
      .filter((message) => message !== '');
  }

  /** Returns the branches of the mirror with their head commits. */
  async branches(pipelineId: number): Promise<RefMap> {
    const output = await this.git(pipelineId, ['for-each-ref', '--format=%(refname) %(objectname)', 'refs/heads']);
    return parseRefLines(output);
  }

  private git(pipelineId: number, args: string[]): Promise<string> {
    return runGit(['--git-dir', this.mirrors.mirrorPath(pipelineId), ...args], { timeoutMs: QUERY_TIMEOUT_MS });
  }
}

/**
 * Lists the branches and tags of a remote repository with `git ls-remote`,
 * killed after `timeoutMs`. Peeled tag entries (`^{}`) replace their tag
 * object, so an annotated tag maps to the commit it names.
 */
export async function listRemoteRefs(url: string, timeoutMs = LS_REMOTE_TIMEOUT_MS): Promise<RefMap> {
  if (url.startsWith('-')) throw new ApiError('invalidRequest', `the repository URL '${url}' starts with '-'`, 'give a URL or an absolute path');
  const output = await runGit(['ls-remote', '--heads', '--tags', '--', url], { timeoutMs });
  const refs = new Map<string, string>();
  for (const [ref, sha] of parseRefLines(output, '\t')) {
    if (ref.endsWith('^{}')) refs.set(ref.slice(0, -3), sha);
    else if (!refs.has(ref)) refs.set(ref, sha);
  }
  return refs;
}

/** Parses `<ref> <sha>` lines (for-each-ref) or `<sha>\t<ref>` lines (ls-remote, with `separator` a tab). */
function parseRefLines(output: string, separator?: '\t'): RefMap {
  const refs: RefMap = new Map();
  for (const line of output.split('\n')) {
    if (line.trim() === '') continue;
    if (separator === '\t') {
      const [sha, ref] = line.split('\t');
      if (sha !== undefined && ref !== undefined) refs.set(ref.trim(), sha.trim());
      continue;
    }
    const [ref, sha] = line.trim().split(' ');
    if (ref !== undefined && sha !== undefined) refs.set(ref, sha);
  }
  return refs;
}
