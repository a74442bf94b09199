import { execFile } from 'node:child_process';
import { mkdir, rm, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { AgentError, AgentErrorCode } from './agent-error-codes.js';

const execFileAsync = promisify(execFile);

/** Maximum time one git command of a source fetch may take, in milliseconds. */
export const GIT_TIMEOUT_MS = 10 * 60_000;

const inProgress = new Map<string, Promise<string>>();

/**
 * Makes a work tree of `repositoryUrl` at `commit` under `runFolder` and
 * returns its path; the runner's checkout step copies from it. Jobs of the
 * same run on this agent share one clone. The folder is named after the
 * repository, as Azure names `Build.Repository.Name`.
 */
export function fetchJobSources(runFolder: string, repositoryUrl: string, commit: string): Promise<string> {
  const target = join(runFolder, 'sources', repositoryName(repositoryUrl));
  const key = `${target}\n${commit}`;
  let pending = inProgress.get(key);
  if (pending === undefined) {
    pending = cloneAt(target, repositoryUrl, commit).finally(() => inProgress.delete(key));
    inProgress.set(key, pending);
  }
  return pending;
}

async function cloneAt(target: string, repositoryUrl: string, commit: string): Promise<string> {
  try {
    const present = (await stat(join(target, '.git')).catch(() => undefined)) !== undefined;
    if (present) {
      const head = (await git(target, ['rev-parse', 'HEAD'])).trim();
      if (head === commit) return target;
      await rm(target, { recursive: true, force: true });
    }
    await mkdir(target, { recursive: true });
    await git(target, ['init', '--quiet']);
    await git(target, ['fetch', '--quiet', '--no-tags', '--', repositoryUrl, commit]);
    await git(target, ['checkout', '--quiet', '--detach', commit]);
    return target;
  } catch (error) {
    await rm(target, { recursive: true, force: true }).catch(() => undefined);
    const detail = (error as { stderr?: string }).stderr?.trim() || (error as Error).message;
    throw new AgentError(
      AgentErrorCode.SourceFetchFailed,
      `fetching commit ${commit} of ${redactCredentials(repositoryUrl)} failed: ${redactCredentials(detail)}`,
      'check that the agent can reach the repository (network, credentials in its git configuration) and that the commit exists',
      { cause: error },
    );
  }
}

function git(cwd: string, args: string[]): Promise<string> {
  return execFileAsync('git', args, { cwd, timeout: GIT_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } }).then((result) => result.stdout);
}

/** The last path segment of a repository URL or path, without `.git`. */
export function repositoryName(repositoryUrl: string): string {
  const segment = basename(repositoryUrl.replace(/[/\\]+$/, '')).replace(/\.git$/, '');
  return segment.replace(/[^A-Za-z0-9._-]/g, '_') || 'source';
}

/** Replaces the user-info part of URLs (`https://user:secret@host`) with `***`. */
export function redactCredentials(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}
