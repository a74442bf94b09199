import type { QueueTimeVariable } from '../../store/run-repository.js';
import type { PullRequestEvent } from '../../triggers/webhook-event.js';

/**
 * Returns the System.PullRequest.* variables of a pull-request run
 * (learn.microsoft.com/azure/devops/pipelines/build/variables#system-variables).
 * Branches are bare names, as Azure sets them for GitHub repositories
 * (`main`, not `refs/heads/main`). IsFork is `True` or `False`.
 * NOTE: Azure fills PullRequestId with GitHub's internal id, which the parsed
 * webhook does not keep, so Sluice sets it to the PR number as well.
 */
export function pullRequestVariables(pr: PullRequestEvent): Record<string, QueueTimeVariable> {
  const plain = (value: string): QueueTimeVariable => ({ value, isSecret: false });
  const sourceRepository = pr.sourceRepository ?? pr.repository;
  return {
    'System.PullRequest.PullRequestId': plain(String(pr.number)),
    'System.PullRequest.PullRequestNumber': plain(String(pr.number)),
    'System.PullRequest.SourceBranch': plain(pr.sourceBranch),
    'System.PullRequest.TargetBranch': plain(pr.targetBranch),
    'System.PullRequest.targetBranchName': plain(pr.targetBranch.replace(/^refs\/heads\//, '')),
    'System.PullRequest.SourceCommitId': plain(pr.headCommit.id),
    'System.PullRequest.IsFork': plain(pr.isFork ? 'True' : 'False'),
    'System.PullRequest.SourceRepositoryURI': plain(sourceRepository.cloneUrl),
  };
}
