import { readGitHubStylePullRequest, readGitHubStylePush } from './github-style-payload.js';
import { PayloadReader } from './payload-reader.js';
import type { PullRequestAction, WebhookEvent } from './webhook-event.js';

// Gitea's default [repository.pull-request] WORK_IN_PROGRESS_PREFIXES, which
// mark a draft on versions whose payload has no `draft` field.
const WORK_IN_PROGRESS_PREFIXES = ['WIP:', '[WIP]'];

/**
 * Reads a Gitea or Forgejo delivery: `push` and `pull_request` become events;
 * other event names are returned as ignored. A `total_commits` larger than the
 * listed commits marks the push's commit list as cut short.
 */
export function parseGiteaWebhook(eventName: string, body: unknown, deliveryId: string): { event: WebhookEvent; missing: string[] } {
  const reader = new PayloadReader();

  if (eventName === 'push') {
    const event = readGitHubStylePush(body, 'gitea', deliveryId, reader, reader.optionalNumber(body, 'total_commits'));
    return { event, missing: reader.missing };
  }

  if (eventName === 'pull_request') {
    const title = reader.optionalString(body, 'pull_request.title') ?? '';
    const isDraft = reader.boolean(body, 'pull_request.draft', false) || WORK_IN_PROGRESS_PREFIXES.some((prefix) => title.startsWith(prefix));
    const event = readGitHubStylePullRequest(body, 'gitea', deliveryId, reader, mapGiteaAction, isDraft);
    return { event, missing: reader.missing };
  }

  return { event: { kind: 'ignored', forge: 'gitea', deliveryId, eventName }, missing: [] };
}

/** Gitea names the new-commits action `synchronized`, where GitHub uses `synchronize`. */
function mapGiteaAction(action: string): PullRequestAction {
  if (action === 'opened' || action === 'reopened' || action === 'closed') return action;
  if (action === 'synchronized') return 'updated';
  return 'other';
}
