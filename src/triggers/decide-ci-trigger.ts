import { isPathFilterSet, selectPaths } from './path-filter.js';
import { isRefFilterSet, matchRefFilter, toFullBranchRef, type RefFilter } from './ref-filter.js';
import { findSkipCiToken } from './skip-ci-tokens.js';
import type { CiTrigger } from './trigger-filters.js';

/** One push, as the webhook layer or a git poller describes it. */
export interface PushDescription {
  /** `refs/heads/<branch>` or `refs/tags/<tag>`; a bare name is read as a branch. */
  ref: string;
  /** Paths relative to the repository root changed by the push (for a new branch: against its base). */
  changedPaths: readonly string[];
  commits: readonly { message: string }[];
  isNewBranch: boolean;
  /** The push deleted the ref. */
  isDeletedRef?: boolean;
}

/** The decision, with a sentence for the run list or the log. */
export interface TriggerDecision {
  run: boolean;
  reason: string;
  /** Copied from the trigger. When true, the caller queues the push while a run is in progress. */
  batch: boolean;
}

const ALL_BRANCHES: RefFilter = { include: ['*'], exclude: [] };

/**
 * Decides whether a push starts a CI run, after
 * learn.microsoft.com/azure/devops/pipelines/repos/azure-repos-git#ci-triggers.
 * The order: `trigger: none`, skip tokens in any commit, then tags (which
 * trigger only through a `tags` filter or a `refs/tags/…` branch pattern), then
 * the branch filter, then the path filter.
 */
export function decideCiTrigger(trigger: CiTrigger, push: PushDescription): TriggerDecision {
  if (trigger.kind === 'none') return { run: false, reason: 'the pipeline has trigger: none', batch: false };

  const batch = trigger.batch;
  const no = (reason: string): TriggerDecision => ({ run: false, reason, batch });
  const ref = toFullBranchRef(push.ref);
  if (push.isDeletedRef) return no(`the push deleted ${ref}`);

  const token = findSkipCiToken(push.commits.map((commit) => commit.message));
  if (token) return no(`a commit message of the push contains "${token}"`);

  if (ref.startsWith('refs/tags/')) return decideTagPush(trigger, ref, batch);

  const branches = effectiveBranchFilter(trigger);
  if (!branches || !matchRefFilter(branches, ref, 'branch')) return no(`the branch ${ref} is not in the trigger's branch filter`);

  if (!isPathFilterSet(trigger.paths)) {
    const reason = push.isNewBranch ? 'a new branch that matches the branch filter, and the trigger has no path filter' : 'the branch matches the trigger';
    return { run: true, reason, batch };
  }

  const selected = selectPaths(trigger.paths, push.changedPaths);
  if (selected.length === 0) {
    const subject = push.isNewBranch ? 'the new branch has no changes' : 'no changed file';
    return no(`${subject} matching the trigger's path filter`);
  }
  return { run: true, reason: `the branch matches and ${selected.length} changed file(s) match the path filter, such as ${selected[0]}`, batch };
}

/**
 * Returns the branch filter in effect. A trigger without `branches` covers
 * every branch when it has paths or nothing else, because Azure DevOps Server
 * 2020 and newer allow `paths` alone. A trigger that names only `tags` leaves
 * branch pushes out, because a written trigger includes only what it names.
 */
function effectiveBranchFilter(trigger: Extract<CiTrigger, { kind: 'filters' }>): RefFilter | undefined {
  if (trigger.branches) return trigger.branches;
  if (isRefFilterSet(trigger.tags) && !isPathFilterSet(trigger.paths)) return undefined;
  return ALL_BRANCHES;
}

/**
 * Tags never trigger without a tag filter; with both tag and branch filters,
 * either one matching is enough
 * (learn.microsoft.com/azure/devops/pipelines/repos/github#tags).
 * NOTE: path filters are not applied to a tag push, because a tag has no diff
 * of its own. The docs leave the combination of tags and paths unclear.
 */
function decideTagPush(trigger: Extract<CiTrigger, { kind: 'filters' }>, ref: string, batch: boolean): TriggerDecision {
  const byTagFilter = isRefFilterSet(trigger.tags) && matchRefFilter(trigger.tags, ref, 'tag');
  const byBranchFilter = trigger.branches !== undefined && matchesExplicitTagPattern(trigger.branches, ref);
  if (byTagFilter || byBranchFilter) return { run: true, reason: `the tag ${ref} matches the trigger's tag filter`, batch };

  const hasTagFilter = isRefFilterSet(trigger.tags) || (trigger.branches?.include ?? []).some((pattern) => pattern.startsWith('refs/tags/'));
  const reason = hasTagFilter ? `the tag ${ref} is not in the trigger's tag filter` : 'tags never trigger a run unless the trigger has a tag filter';
  return { run: false, reason, batch };
}

/** Branch lists name tags only as `refs/tags/…`; `*` there means branches. */
function matchesExplicitTagPattern(branches: RefFilter, ref: string): boolean {
  const include = branches.include.filter((pattern) => pattern.startsWith('refs/'));
  if (include.length === 0) return false;
  return matchRefFilter({ include, exclude: branches.exclude }, ref, 'branch');
}
