import type { Forge } from './webhook-event.js';

/** A run's state as Sluice reports it to a forge. */
export type CommitState = 'pending' | 'running' | 'success' | 'failure' | 'error' | 'canceled';

/** The status to set on one commit. */
export interface CommitStatus {
  sha: string;
  state: CommitState;
  /** The status's name in the PR checks list, such as `sluice/my-pipeline`. */
  context: string;
  description?: string;
  /** The run's page in the Sluice web UI. */
  targetUrl?: string;
  /** GitLab only: the branch or tag the status is for. */
  ref?: string;
}

/** The repository to report to: `owner/name` (GitHub, Gitea) or the project id or path (GitLab). */
export interface StatusTarget {
  forge: Forge;
  repository: string;
}

/**
 * An HTTP request for the server to send. `path` is relative to the forge's
 * API root (`https://api.github.com`, `<gitlab>/api/v4`, `<gitea>/api/v1`);
 * the server adds the host and the credentials, so no token is ever part of this value.
 */
export interface ForgeRequest {
  method: 'POST';
  path: string;
  headers: Record<string, string>;
  body: Record<string, string>;
}

/**
 * GitHub rejects a longer status description (observed as HTTP 422 from
 * api.github.com; the REST reference does not state the limit).
 */
export const GITHUB_DESCRIPTION_MAX_LENGTH = 140;

/**
 * Builds the request that sets a commit status on the target forge:
 * GitHub `POST /repos/{owner}/{repo}/statuses/{sha}` with state
 * error/failure/pending/success (docs.github.com/rest/commits/statuses);
 * GitLab `POST /projects/:id/statuses/:sha` with state
 * pending/running/success/failed/canceled (docs.gitlab.com/api/commits#set-the-pipeline-status-of-a-commit);
 * Gitea `POST /repos/{owner}/{repo}/statuses/{sha}` with state
 * pending/success/error/failure/warning (the Gitea API's CreateStatusOption).
 */
export function buildCommitStatusRequest(target: StatusTarget, status: CommitStatus): ForgeRequest {
  if (target.forge === 'gitlab') return buildGitLabRequest(target.repository, status);

  const [owner, name, ...rest] = target.repository.split('/');
  if (!owner || !name || rest.length > 0) {
    throw new RangeError(`a ${target.forge} repository must be "owner/name", got "${target.repository}"`);
  }
  const path = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/statuses/${encodeURIComponent(status.sha)}`;
  const description = target.forge === 'github' ? truncate(status.description, GITHUB_DESCRIPTION_MAX_LENGTH) : status.description;
  const body = compact({ state: mapGitHubStyleState(status.state), context: status.context, description, target_url: status.targetUrl });
  const headers: Record<string, string> =
    target.forge === 'github'
      ? { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28', 'content-type': 'application/json' }
      : { accept: 'application/json', 'content-type': 'application/json' };
  return { method: 'POST', path, headers, body };
}

function buildGitLabRequest(project: string, status: CommitStatus): ForgeRequest {
  // GitLab takes the numeric id or the URL-encoded full path (`group%2Fproject`).
  const path = `/projects/${encodeURIComponent(project)}/statuses/${encodeURIComponent(status.sha)}`;
  const body = compact({
    state: mapGitLabState(status.state),
    name: status.context,
    description: status.description,
    target_url: status.targetUrl,
    ref: status.ref,
  });
  return { method: 'POST', path, headers: { accept: 'application/json', 'content-type': 'application/json' }, body };
}

/** GitHub and Gitea have no running or canceled state: running is pending, a canceled run is an error. */
function mapGitHubStyleState(state: CommitState): string {
  if (state === 'running') return 'pending';
  if (state === 'canceled') return 'error';
  return state;
}

/** GitLab has no error state: an error is reported as failed. */
function mapGitLabState(state: CommitState): string {
  if (state === 'failure' || state === 'error') return 'failed';
  return state;
}

function truncate(text: string | undefined, max: number): string | undefined {
  if (text === undefined || text.length <= max) return text;
  return `${text.slice(0, max - 1)}…`;
}

function compact(values: Record<string, string | undefined>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(values)) if (value !== undefined) result[key] = value;
  return result;
}
