import { access, mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { toFullRef } from '../runner/git-source-info.js';
import type { Pipeline } from '../store/pipeline-repository.js';
import { ApiError } from './api-error.js';
import { GitCommandError, redactUrl, runGit } from './git-command.js';

/** A commit the server resolved for a run. */
export interface ResolvedRevision {
  /** Full ref, as in Build.SourceBranch. */
  branch: string;
  commit: string;
  /** First line of the commit message, as in Build.SourceVersionMessage. */
  message: string;
}

/**
 * Bare mirror clones of the pipelines' repositories under `<data>/repositories`,
 * one per pipeline, fetched before each run, and work trees of single commits
 * for runs. Git commands on one mirror run one at a time in this process.
 */
export class RepositoryMirrors {
  private readonly queues = new Map<number, Promise<unknown>>();

  constructor(private readonly root: string) {}

  /** Returns the folder of a pipeline's mirror. */
  mirrorPath(pipelineId: number): string {
    return join(this.root, `${pipelineId}.git`);
  }

  /**
   * Clones the repository on first use, fetches every ref afterwards, then
   * resolves `commit` (when given) or the head of `branch`. Unknown revisions
   * are SRV006 and git failures SRV007.
   */
  async fetchRevision(pipeline: Pipeline, branch: string, commit?: string): Promise<ResolvedRevision> {
    return this.serialize(pipeline.id, async () => {
      await this.fetch(pipeline);
      const fullRef = toFullRef(branch);
      const target = commit ?? fullRef;
      const resolved = await this.git(pipeline.id, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${target}^{commit}`]).catch(() => undefined);
      if (resolved === undefined || resolved.trim() === '') {
        throw new ApiError(
          'revisionNotFound',
          commit === undefined ? `branch '${branch}' not found in ${redactUrl(pipeline.repositoryUrl)}` : `commit '${commit}' not found in ${redactUrl(pipeline.repositoryUrl)}`,
          'push the branch or commit first, or check its spelling',
        );
      }
      const sha = resolved.trim();
      const message = (await this.git(pipeline.id, ['log', '-1', '--format=%B', sha])).split(/\r?\n/)[0] ?? '';
      return { branch: fullRef, commit: sha, message };
    });
  }

  /**
   * Returns the revision of a run whose commit was resolved before (a resumed
   * or re-run run): from the mirror when it has the commit, else after a fetch.
   */
  async knownRevision(pipeline: Pipeline, branch: string, commit: string): Promise<ResolvedRevision> {
    const message = await this.serialize(pipeline.id, async () =>
      this.git(pipeline.id, ['log', '-1', '--format=%B', '--end-of-options', `${commit}^{commit}`]).catch(() => undefined),
    );
    if (message === undefined) return this.fetchRevision(pipeline, branch, commit);
    return { branch: toFullRef(branch), commit, message: message.split(/\r?\n/)[0] ?? '' };
  }

  /**
   * Creates a detached work tree of `commit` at `folder`, or keeps the one
   * there when it is already at that commit (a run resumed after a restart).
   */
  async addCheckout(pipelineId: number, commit: string, folder: string): Promise<void> {
    await this.serialize(pipelineId, async () => {
      const head = await runGit(['rev-parse', 'HEAD'], { cwd: folder }).catch(() => undefined);
      if (head?.trim() === commit) return;

      await rm(folder, { recursive: true, force: true });
      await this.git(pipelineId, ['worktree', 'prune']);
      await mkdir(resolve(folder, '..'), { recursive: true });
      await this.git(pipelineId, ['worktree', 'add', '--detach', '--force', folder, commit]);
    });
  }

  /** Removes a run's work tree; a missing one is not an error. */
  async removeCheckout(pipelineId: number, folder: string): Promise<void> {
    await this.serialize(pipelineId, async () => {
      await rm(folder, { recursive: true, force: true });
      await this.git(pipelineId, ['worktree', 'prune']).catch(() => undefined);
    });
  }

  private async fetch(pipeline: Pipeline): Promise<void> {
    const mirror = this.mirrorPath(pipeline.id);
    const url = cloneSource(pipeline.repositoryUrl);
    try {
      if (!(await exists(mirror))) {
        await mkdir(this.root, { recursive: true });
        await runGit(['clone', '--mirror', '--quiet', '--', url, mirror]);
        return;
      }
      await this.git(pipeline.id, ['remote', 'set-url', 'origin', url]);
      await this.git(pipeline.id, ['fetch', '--prune', '--quiet', 'origin']);
    } catch (error) {
      if (!(error instanceof GitCommandError)) throw error;
      throw new ApiError('repositoryFailed', `fetching ${redactUrl(pipeline.repositoryUrl)} failed: ${error.message}`, 'check that the URL is right and the server can read it');
    }
  }

  private git(pipelineId: number, args: string[]): Promise<string> {
    return runGit(['--git-dir', this.mirrorPath(pipelineId), ...args]);
  }

  private serialize<T>(pipelineId: number, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(pipelineId) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(work);
    this.queues.set(pipelineId, next);
    return next;
  }
}

/** Rejects a URL that git would read as an option; `--` guards `clone`, but `remote set-url` has no such guard. */
function cloneSource(url: string): string {
  if (url.startsWith('-')) throw new ApiError('invalidRequest', `the repository URL '${url}' starts with '-'`, 'give a URL or an absolute path');
  return url;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
