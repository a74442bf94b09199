/**
 * The commit-message tokens that stop a push from starting a CI run, from
 * learn.microsoft.com/azure/devops/pipelines/repos/azure-repos-git#skipping-ci-for-individual-pushes.
 * A token in the message or description of any commit of the push counts.
 */
export const SKIP_CI_TOKENS = [
  '[skip ci]',
  '[ci skip]',
  'skip-checks: true',
  'skip-checks:true',
  '[skip azurepipelines]',
  '[azurepipelines skip]',
  '[skip azpipelines]',
  '[azpipelines skip]',
  '[skip azp]',
  '[azp skip]',
  '***NO_CI***',
] as const;

/**
 * Returns the first skip token found in any of the messages, or undefined.
 * NOTE: the docs do not say whether the tokens are case-sensitive; Sluice
 * matches them case-insensitively, so `[Skip CI]` also skips.
 */
export function findSkipCiToken(messages: readonly string[]): string | undefined {
  for (const message of messages) {
    const lowered = message.toLowerCase();
    const token = SKIP_CI_TOKENS.find((candidate) => lowered.includes(candidate.toLowerCase()));
    if (token) return token;
  }
  return undefined;
}
