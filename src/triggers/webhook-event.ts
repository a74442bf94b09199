import type { TriggerErrorCode } from './trigger-error-codes.js';

/** The forges whose webhooks Sluice reads. Forgejo sends Gitea's payloads. */
export type Forge = 'github' | 'gitlab' | 'gitea';

/** The repository a webhook is about. */
export interface WebhookRepository {
  /** `owner/name` on GitHub and Gitea, `group/subgroup/name` on GitLab. */
  fullName: string;
  /** The HTTPS clone URL. */
  cloneUrl: string;
  /** The page of the repository in the forge's web UI. */
  webUrl?: string;
  /** GitLab's numeric project id, used by its status API. */
  projectId?: number;
}

export interface WebhookCommit {
  id: string;
  message: string;
}

/** A push of a branch or a tag. */
export interface PushEvent {
  kind: 'push';
  forge: Forge;
  deliveryId: string;
  repository: WebhookRepository;
  /** `refs/heads/<branch>` or `refs/tags/<tag>`. */
  ref: string;
  /** The commit the ref pointed to before the push; all zeros for a new ref. */
  before: string;
  /** The commit the ref points to now; all zeros for a deleted ref. */
  after: string;
  commits: WebhookCommit[];
  headCommit?: WebhookCommit;
  /** Paths added, modified or removed by the listed commits, without duplicates. */
  changedPaths: string[];
  /**
   * False when the forge cut the commit list short, so `changedPaths` may miss
   * files; the caller then diffs `before..after` with git.
   */
  changedPathsComplete: boolean;
  isNewRef: boolean;
  isDeletedRef: boolean;
}

/** The change made to a pull request (a merge request on GitLab). */
export type PullRequestAction = 'opened' | 'updated' | 'reopened' | 'closed' | 'other';

export interface PullRequestEvent {
  kind: 'pull-request';
  forge: Forge;
  deliveryId: string;
  /** The action name as the forge sent it, such as `synchronize` or `update`. */
  forgeAction: string;
  action: PullRequestAction;
  /** The base repository, where the PR is opened. */
  repository: WebhookRepository;
  /** The repository the source branch lives in; differs from `repository` for a fork. */
  sourceRepository?: WebhookRepository;
  /** The PR number (GitLab: the merge request iid). */
  number: number;
  sourceBranch: string;
  targetBranch: string;
  headCommit: { id: string; message?: string };
  /** The tip of the target branch, when the forge sends it. */
  baseCommit?: string;
  isDraft: boolean;
  isFork: boolean;
  merged: boolean;
  /** GitHub and Gitea leave changed files out of PR payloads; the caller diffs with git. */
  changedPaths?: string[];
}

/** GitHub's test delivery sent when a webhook is created. */
export interface PingEvent {
  kind: 'ping';
  forge: Forge;
  deliveryId: string;
}

/** A delivery of an event that Sluice does not act on (issues, stars, comments …). */
export interface IgnoredEvent {
  kind: 'ignored';
  forge: Forge;
  deliveryId: string;
  eventName: string;
}

/** One webhook delivery, normalised across forges. */
export type WebhookEvent = PushEvent | PullRequestEvent | PingEvent | IgnoredEvent;

/** The reason a webhook delivery was rejected. Its message never contains a secret. */
export interface WebhookRejection {
  code: TriggerErrorCode;
  message: string;
  /** The HTTP status for the server's response. */
  status: 400 | 401 | 409 | 500;
}

export type WebhookResult<T> = { ok: true; value: T } | { ok: false; error: WebhookRejection };
