import { changedPathsOf, commitsOf, isZeroCommit, PayloadReader } from './payload-reader.js';
import type { PullRequestAction, PullRequestEvent, PushEvent, WebhookEvent, WebhookRepository } from './webhook-event.js';

/**
 * Reads a GitLab delivery by its `X-Gitlab-Event` name
 * (docs.gitlab.com/user/project/integrations/webhook_events): `Push Hook`,
 * `Tag Push Hook` and `Merge Request Hook` become events; others are ignored.
 */
export function parseGitLabWebhook(eventName: string, body: unknown, deliveryId: string): { event: WebhookEvent; missing: string[] } {
  const reader = new PayloadReader();
  if (eventName === 'Push Hook' || eventName === 'Tag Push Hook') {
    return { event: readPush(body, deliveryId, reader), missing: reader.missing };
  }
  if (eventName === 'Merge Request Hook') {
    return { event: readMergeRequest(body, deliveryId, reader), missing: reader.missing };
  }
  return { event: { kind: 'ignored', forge: 'gitlab', deliveryId, eventName }, missing: [] };
}

function readPush(body: unknown, deliveryId: string, reader: PayloadReader): PushEvent {
  const commitNodes = reader.array(body, 'commits');
  const before = reader.string(body, 'before');
  const after = reader.string(body, 'after');
  const commits = commitsOf(commitNodes, reader);
  // GitLab lists at most 20 commits and gives the real count in total_commits_count.
  const total = reader.optionalNumber(body, 'total_commits_count') ?? commitNodes.length;
  const checkoutSha = reader.optionalString(body, 'checkout_sha');

  return {
    kind: 'push',
    forge: 'gitlab',
    deliveryId,
    repository: readProject(body, 'project', reader),
    ref: reader.string(body, 'ref'),
    before,
    after,
    commits,
    headCommit: commits.find((commit) => commit.id === (checkoutSha ?? after)),
    changedPaths: changedPathsOf(commitNodes, reader),
    changedPathsComplete: total <= commitNodes.length,
    isNewRef: isZeroCommit(before),
    isDeletedRef: isZeroCommit(after),
  };
}

function readMergeRequest(body: unknown, deliveryId: string, reader: PayloadReader): PullRequestEvent {
  const attributes = 'object_attributes';
  const forgeAction = reader.optionalString(body, `${attributes}.action`) ?? '';
  const hasNewCommits = reader.optionalString(body, `${attributes}.oldrev`) !== undefined;
  const sourceProjectId = reader.optionalNumber(body, `${attributes}.source_project_id`);
  const targetProjectId = reader.optionalNumber(body, `${attributes}.target_project_id`);
  const repository = readProject(body, 'project', reader);
  const source = reader.value(body, `${attributes}.source`);

  return {
    kind: 'pull-request',
    forge: 'gitlab',
    deliveryId,
    forgeAction,
    action: mapGitLabAction(forgeAction, hasNewCommits),
    repository,
    sourceRepository: typeof source === 'object' && source !== null ? readProject(body, `${attributes}.source`, reader) : undefined,
    number: reader.number(body, `${attributes}.iid`),
    sourceBranch: reader.string(body, `${attributes}.source_branch`),
    targetBranch: reader.string(body, `${attributes}.target_branch`),
    headCommit: {
      id: reader.string(body, `${attributes}.last_commit.id`),
      message: reader.optionalString(body, `${attributes}.last_commit.message`),
    },
    isDraft: reader.boolean(body, `${attributes}.draft`, reader.boolean(body, `${attributes}.work_in_progress`, false)),
    isFork: sourceProjectId !== undefined && targetProjectId !== undefined && sourceProjectId !== targetProjectId,
    merged: forgeAction === 'merge' || reader.optionalString(body, `${attributes}.state`) === 'merged',
  };
}

/** `update` carries `oldrev` only when commits were pushed; a title edit alone starts nothing. */
function mapGitLabAction(action: string, hasNewCommits: boolean): PullRequestAction {
  if (action === 'open') return 'opened';
  if (action === 'reopen') return 'reopened';
  if (action === 'close' || action === 'merge') return 'closed';
  if (action === 'update' && hasNewCommits) return 'updated';
  return 'other';
}

function readProject(body: unknown, path: string, reader: PayloadReader): WebhookRepository {
  return {
    fullName: reader.string(body, `${path}.path_with_namespace`),
    cloneUrl: reader.string(body, `${path}.git_http_url`),
    webUrl: reader.optionalString(body, `${path}.web_url`),
    projectId: reader.optionalNumber(body, `${path}.id`),
  };
}
