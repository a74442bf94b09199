import { describe, expect, it } from 'vitest';
import { decidePrTrigger, type PullRequestDescription } from '../../src/triggers/decide-pr-trigger.js';
import { shouldExposeSecrets } from '../../src/triggers/fork-secrets.js';
import { parsePrTrigger } from '../../src/triggers/parse-pr-trigger.js';

function pr(targetBranch: string, overrides: Partial<PullRequestDescription> = {}): PullRequestDescription {
  return { targetBranch, changedPaths: ['src/a.ts'], isDraft: false, ...overrides };
}

function decide(value: unknown, description: PullRequestDescription) {
  const { trigger, diagnostics } = parsePrTrigger(value);
  expect(diagnostics).toEqual([]);
  return decidePrTrigger(trigger, description);
}

// Examples from learn.microsoft.com/azure/devops/pipelines/repos/github#pr-triggers.
describe('PR trigger (github#pr-triggers)', () => {
  const fullSyntax = { branches: { include: ['master', 'releases/*'], exclude: ['releases/old*'] } };
  const cases: [string, unknown, PullRequestDescription, boolean][] = [
    ['no pr key validates PRs into any branch', undefined, pr('anything'), true],
    ['list filters on the target branch', ['master', 'releases/*'], pr('releases/1'), true],
    ['list leaves other targets out', ['master', 'releases/*'], pr('dev'), false],
    ['exclude removes a target', fullSyntax, pr('releases/old-2'), false],
    ['exclude only means *', { branches: { exclude: ['dev'] } }, pr('main'), true],
    ['pr: none disables PR runs', 'none', pr('master'), false],
    ['drafts run by default', ['master'], pr('master', { isDraft: true }), true],
    ['drafts: false skips drafts', { drafts: false }, pr('master', { isDraft: true }), false],
    ['drafts: false still runs ready PRs', { drafts: false }, pr('master'), true],
    ['path include selects docs/*', { paths: { include: ['docs/*'], exclude: ['docs/README.md'] } }, pr('master', { changedPaths: ['docs/a.md'] }), true],
    ['path exclude leaves only README out', { paths: { include: ['docs/*'], exclude: ['docs/README.md'] } }, pr('master', { changedPaths: ['docs/README.md'] }), false],
    ['full ref as target', ['master'], pr('refs/heads/master'), true],
  ];
  it.each(cases)('%s', (_name, value, description, expected) => {
    expect(decide(value, description).run).toBe(expected);
  });

  it('defaults autoCancel to true', () => {
    expect(decide(['master'], pr('master')).autoCancel).toBe(true);
  });

  it('reads autoCancel: false', () => {
    expect(decide({ autoCancel: false, branches: { include: ['master'] } }, pr('master')).autoCancel).toBe(false);
  });
});

// learn.microsoft.com/azure/devops/pipelines/repos/github#contributions-from-forks
describe('fork PR secrets', () => {
  it('gives secrets to PRs from the same repository', () => {
    expect(shouldExposeSecrets({ isFork: false }, { allowSecretsForForks: false }).expose).toBe(true);
  });

  it('withholds secrets from forks by default', () => {
    const decision = shouldExposeSecrets({ isFork: true }, { allowSecretsForForks: false });
    expect(decision.expose).toBe(false);
    expect(decision.reason).toContain('fork');
  });

  it('gives secrets to forks when allowed', () => {
    expect(shouldExposeSecrets({ isFork: true }, { allowSecretsForForks: true }).expose).toBe(true);
  });
});
