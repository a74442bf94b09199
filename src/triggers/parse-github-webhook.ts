import { readGitHubStylePullRequest, readGitHubStylePush } from './github-style-payload.js';
import { PayloadReader } from './payload-reader.js';
import type { PullRequestAction, WebhookEvent } from './webhook-event.js';

/**
 * GitHub's documented cap on `commits` in a push payload
 * (docs.github.com/webhooks/webhook-events-and-payloads#push). A push with
 * more commits lists only the first 2048.
 */
export const GITHUB_PUSH_COMMIT_LIMIT = 2048;

/**
 * Reads a GitHub delivery: `push`, `pull_request` and `ping` become events;
 * any other event name is returned as ignored. `missing` lists required fields
 * that the body lacks.
 */
export function parseGitHubWebhook(eventName: string, body: unknown, deliveryId: string): { event: WebhookEvent; missing: string[] } {
  const reader = new PayloadReader();
  if (eventName === 'ping') return { event: { kind: 'ping', forge: 'github', deliveryId }, missing: [] };

  if (eventName === 'push') {
    const event = readGitHubStylePush(body, 'github', deliveryId, reader);
    // GitHub sends no total count, so a full list may have been cut short.
    event.changedPathsComplete = event.commits.length < GITHUB_PUSH_COMMIT_LIMIT;
    return { event, missing: reader.missing };
  }

  if (eventName === 'pull_request') {
    const isDraft = reader.boolean(body, 'pull_request.draft', false);
    const event = readGitHubStylePullRequest(body, 'github', deliveryId, reader, mapGitHubAction, isDraft);
    return { event, missing: reader.missing };
  }

  return { event: { kind: 'ignored', forge: 'github', deliveryId, eventName }, missing: [] };
}

/** `synchronize` means new commits; `ready_for_review` turns a draft into a PR that `drafts: false` accepts. */
function mapGitHubAction(action: string): PullRequestAction {
  if (action === 'opened' || action === 'reopened' || action === 'closed') return action;
  if (action === 'synchronize' || action === 'ready_for_review') return 'updated';
  return 'other';
}
