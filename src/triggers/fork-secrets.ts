/** The settings that decide whether a PR run gets the pipeline's secrets. */
export interface ForkSecretPolicy {
  /** The pipeline setting "Make secrets available to builds of forks"; off by default. */
  allowSecretsForForks: boolean;
}

/**
 * Decides whether a PR run receives secrets (secret variables, service
 * connection credentials, secure files and a repository token with write
 * access). Runs of PRs from forks get none unless the pipeline allows it, as
 * learn.microsoft.com/azure/devops/pipelines/repos/github#contributions-from-forks
 * describes for GitHub pipelines.
 */
export function shouldExposeSecrets(pr: { isFork: boolean }, policy: ForkSecretPolicy): { expose: boolean; reason: string } {
  if (!pr.isFork) return { expose: true, reason: 'the pull request comes from the same repository' };
  if (policy.allowSecretsForForks) return { expose: true, reason: 'the pipeline allows secrets for pull requests from forks' };
  return { expose: false, reason: 'the pull request comes from a fork, and the pipeline does not allow secrets for forks' };
}
