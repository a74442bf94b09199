import { changedPathsOf, commitsOf, isZeroCommit, PayloadReader } from './payload-reader.js';
import type { Forge, PullRequestAction, PullRequestEvent, PushEvent, WebhookRepository } from './webhook-event.js';

/**
 * Readers for the payload shape that GitHub defined and Gitea and Forgejo
 * follow: `ref`, `before`, `after`, `commits[]` and `repository` for a push,
 * and `action`, `number` and `pull_request.{head,base}` for a pull request.
 */

/** Reads a push payload. When the forge sends `totalCommits`, a larger count than `commits` has marks the list as cut short. */
export function readGitHubStylePush(
  body: unknown,
  forge: Forge,
  deliveryId: string,
  reader: PayloadReader,
  totalCommits?: number,
): PushEvent {
  const commitNodes = reader.array(body, 'commits');
  const before = reader.string(body, 'before');
  const after = reader.string(body, 'after');
  const head = reader.value(body, 'head_commit');
  const headCommit = typeof head === 'object' && head !== null ? commitsOf([head], reader)[0] : undefined;

  return {
    kind: 'push',
    forge,
    deliveryId,
    repository: readRepository(body, 'repository', reader),
    ref: reader.string(body, 'ref'),
    before,
    after,
    commits: commitsOf(commitNodes, reader),
    headCommit,
    changedPaths: changedPathsOf(commitNodes, reader),
    changedPathsComplete: totalCommits === undefined || totalCommits <= commitNodes.length,
    isNewRef: reader.boolean(body, 'created', isZeroCommit(before)),
    isDeletedRef: reader.boolean(body, 'deleted', isZeroCommit(after)),
  };
}

/** Reads a pull_request payload; `mapAction` turns the forge's action name into Sluice's. */
export function readGitHubStylePullRequest(
  body: unknown,
  forge: Forge,
  deliveryId: string,
  reader: PayloadReader,
  mapAction: (action: string) => PullRequestAction,
  isDraft: boolean,
): PullRequestEvent {
  const forgeAction = reader.string(body, 'action');
  const repository = readRepository(body, 'pull_request.base.repo', reader);
  const headRepo = reader.value(body, 'pull_request.head.repo');
  // A fork that was deleted leaves `head.repo` null; such a PR still came from a fork.
  const sourceRepository = typeof headRepo === 'object' && headRepo !== null ? readRepository(body, 'pull_request.head.repo', reader) : undefined;

  return {
    kind: 'pull-request',
    forge,
    deliveryId,
    forgeAction,
    action: mapAction(forgeAction),
    repository,
    sourceRepository,
    number: reader.number(body, 'number'),
    sourceBranch: reader.string(body, 'pull_request.head.ref'),
    targetBranch: reader.string(body, 'pull_request.base.ref'),
    headCommit: { id: reader.string(body, 'pull_request.head.sha') },
    baseCommit: reader.optionalString(body, 'pull_request.base.sha'),
    isDraft,
    isFork: sourceRepository === undefined || sourceRepository.fullName !== repository.fullName,
    merged: reader.boolean(body, 'pull_request.merged', false),
  };
}

function readRepository(body: unknown, path: string, reader: PayloadReader): WebhookRepository {
  return {
    fullName: reader.string(body, `${path}.full_name`),
    cloneUrl: reader.string(body, `${path}.clone_url`),
    webUrl: reader.optionalString(body, `${path}.html_url`),
  };
}
