import { createHmac, randomUUID } from 'node:crypto';
import { fixture } from '../server-triggers/trigger-test-helpers.js';

/** Where the test repository claims to live on GitHub; the fake forge receives statuses for it. */
export const GITHUB_REPOSITORY = 'example-org/tinyver';

/** Returns the fields every GitHub payload carries about the repository, pointed at the test repository. */
function repositoryFields(cloneUrl: string): Record<string, unknown> {
  return {
    id: 4242,
    name: 'tinyver',
    full_name: GITHUB_REPOSITORY,
    private: false,
    html_url: `https://github.com/${GITHUB_REPOSITORY}`,
    clone_url: cloneUrl,
    default_branch: 'main',
  };
}

/** A `push` payload in the shape of the recorded fixture, for `before..after` on `ref`. */
export function pushPayload(options: { cloneUrl: string; ref: string; before: string; after: string; message: string; modified: string[] }): Record<string, unknown> {
  const body = fixture('github-push.json');
  const commit = { ...body.commits[0], id: options.after, message: options.message, added: [], removed: [], modified: options.modified };
  return {
    ...body,
    ref: options.ref,
    before: options.before,
    after: options.after,
    created: false,
    deleted: false,
    forced: false,
    compare: `https://github.com/${GITHUB_REPOSITORY}/compare/${options.before.slice(0, 12)}...${options.after.slice(0, 12)}`,
    commits: [commit],
    head_commit: commit,
    repository: repositoryFields(options.cloneUrl),
  };
}

/** An `opened` `pull_request` payload in the shape of the recorded fixture, from a branch of the same repository. */
export function pullRequestPayload(options: { cloneUrl: string; number: number; sourceBranch: string; head: string; targetBranch: string; base: string }): Record<string, unknown> {
  const body = fixture('github-pull-request-fork.json');
  const repository = repositoryFields(options.cloneUrl);
  return {
    ...body,
    action: 'opened',
    number: options.number,
    before: undefined,
    after: undefined,
    pull_request: {
      ...body.pull_request,
      number: options.number,
      draft: false,
      head: { ...body.pull_request.head, ref: options.sourceBranch, sha: options.head, repo: { ...repository, fork: false } },
      base: { ...body.pull_request.base, ref: options.targetBranch, sha: options.base, repo: { ...repository, fork: false } },
    },
    repository,
  };
}

/**
 * Sends a webhook delivery to the server as GitHub does: the JSON body, the
 * event name, a delivery id, and `X-Hub-Signature-256`, the HMAC-SHA256 of the
 * exact body bytes with the webhook secret
 * (docs.github.com/webhooks/using-webhooks/validating-webhook-deliveries).
 */
export async function deliverGitHubWebhook(baseUrl: string, pipelineId: number, secret: string, event: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const payload = JSON.stringify(body);
  const response = await fetch(`${baseUrl}/api/webhooks/${pipelineId}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'GitHub-Hookshot/e2e',
      'x-github-event': event,
      'x-github-delivery': randomUUID(),
      'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(payload).digest('hex')}`,
    },
    body: payload,
  });
  return { status: response.status, body: await response.json() };
}
