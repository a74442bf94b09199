import { isPathFilterSet, selectPaths } from './path-filter.js';
import { matchRefFilter, toFullBranchRef } from './ref-filter.js';
import type { PrTrigger } from './trigger-filters.js';

/** One pull-request event that may start a validation run. */
export interface PullRequestDescription {
  /** The branch the PR merges into (`main` or `refs/heads/main`). */
  targetBranch: string;
  /** Paths relative to the repository root that the PR changes. */
  changedPaths: readonly string[];
  isDraft: boolean;
}

/** The decision. When `autoCancel` is true, the caller cancels older runs of the same PR. */
export interface PrTriggerDecision {
  run: boolean;
  reason: string;
  autoCancel: boolean;
}

/**
 * Decides whether a PR event starts a validation run, after
 * learn.microsoft.com/azure/devops/pipelines/repos/github#pr-triggers: the
 * branch filter applies to the target branch, `drafts: false` skips draft PRs,
 * and a path filter needs at least one changed file that it selects.
 */
export function decidePrTrigger(trigger: PrTrigger, pr: PullRequestDescription): PrTriggerDecision {
  if (trigger.kind === 'none') return { run: false, reason: 'the pipeline has pr: none', autoCancel: false };

  const autoCancel = trigger.autoCancel;
  const no = (reason: string): PrTriggerDecision => ({ run: false, reason, autoCancel });
  if (pr.isDraft && !trigger.drafts) return no('the pull request is a draft, and the pr trigger has drafts: false');

  const target = toFullBranchRef(pr.targetBranch);
  if (!matchRefFilter(trigger.branches, target, 'branch')) return no(`the target branch ${target} is not in the pr trigger's branch filter`);

  if (isPathFilterSet(trigger.paths)) {
    const selected = selectPaths(trigger.paths, pr.changedPaths);
    if (selected.length === 0) return no("no changed file matches the pr trigger's path filter");
  }
  return { run: true, reason: `the target branch ${target} matches the pr trigger`, autoCancel };
}
