import { describe, expect, it } from 'vitest';
import { decideCiTrigger, type PushDescription } from '../../src/triggers/decide-ci-trigger.js';
import { parseCiTrigger } from '../../src/triggers/parse-ci-trigger.js';
import { SKIP_CI_TOKENS } from '../../src/triggers/skip-ci-tokens.js';

function push(ref: string, changedPaths: string[] = ['src/app.ts'], overrides: Partial<PushDescription> = {}): PushDescription {
  return { ref, changedPaths, commits: [{ message: 'Change things' }], isNewBranch: false, ...overrides };
}

function decide(triggerValue: unknown, description: PushDescription): boolean {
  const { trigger, diagnostics } = parseCiTrigger(triggerValue);
  expect(diagnostics).toEqual([]);
  return decideCiTrigger(trigger, description).run;
}

// Branch examples from learn.microsoft.com/azure/devops/pipelines/repos/azure-repos-git#branches and #wildcards.
describe('CI trigger branch filters (azure-repos-git#branches)', () => {
  const fullSyntax = { branches: { include: ['main', 'releases/*'], exclude: ['releases/old*'] } };
  const cases: [string, unknown, string, boolean][] = [
    ['implied trigger runs on any branch', undefined, 'refs/heads/topic/x', true],
    ['list form includes main', ['main', 'releases/*'], 'refs/heads/main', true],
    ['list form includes a releases branch', ['main', 'releases/*'], 'refs/heads/releases/1.0', true],
    ['list form leaves other branches out', ['main', 'releases/*'], 'refs/heads/dev', false],
    ['list form matches the whole name', ['main'], 'refs/heads/main-old', false],
    ['include then exclude removes old releases', fullSyntax, 'refs/heads/releases/old-1', false],
    ['include then exclude keeps new releases', fullSyntax, 'refs/heads/releases/2.0', true],
    ['exclude only means include *', { branches: { exclude: ['dev'] } }, 'refs/heads/feature', true],
    ['exclude only still excludes', { branches: { exclude: ['dev'] } }, 'refs/heads/dev', false],
    ['* crosses / in branch names', ['releases/*'], 'refs/heads/releases/v1/hotfix', true],
    ['? matches one character', ['v?'], 'refs/heads/v1', true],
    ['? does not match two characters', ['v?'], 'refs/heads/v10', false],
    ['wildcard inside a pattern', { branches: { include: ['feature/*'], exclude: ['feature/*-working'] } }, 'refs/heads/feature/a-working', false],
    ['full refs/heads name in a filter', ['refs/heads/main'], 'refs/heads/main', true],
    ['branch names are case-sensitive', ['main'], 'refs/heads/Main', false],
    ['bare branch name in the push', ['main'], 'main', true],
    ['regex characters stay literal', ['fix.(1)'], 'refs/heads/fixa(1)', false],
    ['trigger: none never runs', 'none', 'refs/heads/main', false],
    ['trigger: false is none', false, 'refs/heads/main', false],
    ['trigger: true is the implied trigger', true, 'refs/heads/any', true],
  ];
  it.each(cases)('%s', (_name, value, ref, expected) => {
    expect(decide(value, push(ref))).toBe(expected);
  });
});

// Tag examples from learn.microsoft.com/azure/devops/pipelines/repos/github#tags.
describe('CI trigger tags (github#tags)', () => {
  const cases: [string, unknown, string, boolean][] = [
    ['tags never trigger without a tag filter', undefined, 'refs/tags/v1.0', false],
    ['branch * does not cover tags', ['*'], 'refs/tags/v1.0', false],
    ['tag include matches', { tags: { include: ['v2.*'], exclude: ['v2.0'] } }, 'refs/tags/v2.1', true],
    ['tag exclude removes a tag', { tags: { include: ['v2.*'], exclude: ['v2.0'] } }, 'refs/tags/v2.0', false],
    ['tag exclude only means every other tag', { tags: { exclude: ['nightly*'] } }, 'refs/tags/v3', true],
    ['refs/tags in a branch list', { branches: { include: ['refs/tags/release-*'] } }, 'refs/tags/release-5', true],
    ['refs/tags exclude in a branch list', { branches: { include: ['refs/tags/*'], exclude: ['refs/tags/rc*'] } }, 'refs/tags/rc1', false],
    ['either branch or tag filter is enough', { branches: { include: ['main'] }, tags: { include: ['v*'] } }, 'refs/tags/v9', true],
    ['branch push with both filters', { branches: { include: ['main'] }, tags: { include: ['v*'] } }, 'refs/heads/main', true],
    ['tags-only trigger leaves branches out', { tags: { include: ['v*'] } }, 'refs/heads/main', false],
  ];
  it.each(cases)('%s', (_name, value, ref, expected) => {
    expect(decide(value, push(ref, []))).toBe(expected);
  });

  it('says why an unfiltered tag did not run', () => {
    const { trigger } = parseCiTrigger(undefined);
    const decision = decideCiTrigger(trigger, push('refs/tags/v1', []));
    expect(decision.reason).toContain('tags never trigger');
  });
});

// Path rules from learn.microsoft.com/azure/devops/pipelines/repos/azure-repos-git#paths and #wildcards.
describe('CI trigger path filters (azure-repos-git#paths)', () => {
  const docsExample = { branches: { include: ['main'] }, paths: { include: ['docs'], exclude: ['docs/README.md'] } };
  const cases: [string, unknown, string[], boolean][] = [
    ['included folder selects a file below it', docsExample, ['docs/guide/intro.md'], true],
    ['excluded file alone does not trigger', docsExample, ['docs/README.md'], false],
    ['excluded file plus another docs file triggers', docsExample, ['docs/README.md', 'docs/setup.md'], true],
    ['file outside every include', docsExample, ['src/main.ts'], false],
    ['paths are case-sensitive', docsExample, ['Docs/guide.md'], false],
    ['folder include does not match a longer name', docsExample, ['docsite/index.md'], false],
    ['re-include a deeper folder', { paths: { exclude: ['/tools'], include: ['/tools/trigger-runs-on-these'] } }, ['tools/trigger-runs-on-these/run.sh'], true],
    ['excluded folder stays out', { paths: { exclude: ['/tools'], include: ['/tools/trigger-runs-on-these'] } }, ['tools/other.sh'], false],
    ['exclude only includes the rest', { paths: { exclude: ['tools'] } }, ['src/a.ts'], true],
    ['* stays inside a folder', { paths: { include: ['docs/*.md'] } }, ['docs/a.md'], true],
    ['* in a file name does not match other extensions', { paths: { include: ['docs/*.md'] } }, ['docs/a.txt'], false],
    ['** spans folders', { paths: { include: ['src/app/**/myapp*'] } }, ['src/app/x/y/myapp.ts'], true],
    ['** matches zero folders', { paths: { include: ['src/app/**/myapp*'] } }, ['src/app/myapp.ts'], true],
    ['** pattern rejects other names', { paths: { include: ['src/app/**/myapp*'] } }, ['src/app/x/other.ts'], false],
    ['? matches one character in a path', { paths: { include: ['v?/notes.txt'] } }, ['v1/notes.txt'], true],
    ["'*' as a path selects the whole repository", { paths: { include: ['*'] } }, ['deep/down/file.c'], true],
    ['deeper exclude beats a shallower wildcard include', { paths: { include: ['src'], exclude: ['src/generated/*'] } }, ['src/generated/api.ts'], false],
  ];
  it.each(cases)('%s', (_name, value, paths, expected) => {
    expect(decide(value, push('refs/heads/main', paths))).toBe(expected);
  });
});

describe('CI trigger new branches (azure-repos-git#behavior-of-triggers-when-new-branches-are-created)', () => {
  it('runs a new branch without path filters even with no changes', () => {
    expect(decide(['*'], push('refs/heads/new', [], { isNewBranch: true }))).toBe(true);
  });

  it('skips a new branch with no matching changes', () => {
    expect(decide({ paths: { include: ['docs'] } }, push('refs/heads/new', [], { isNewBranch: true }))).toBe(false);
  });

  it('runs a new branch with matching changes', () => {
    expect(decide({ paths: { include: ['docs'] } }, push('refs/heads/new', ['docs/a.md'], { isNewBranch: true }))).toBe(true);
  });

  it('never runs for a deleted branch', () => {
    expect(decide(['*'], push('refs/heads/gone', [], { isDeletedRef: true }))).toBe(false);
  });
});

// Tokens from learn.microsoft.com/azure/devops/pipelines/repos/azure-repos-git#skipping-ci-for-individual-pushes.
describe('CI trigger skip tokens', () => {
  it.each(SKIP_CI_TOKENS.map((token) => [token]))('%s in a commit skips the push', (token) => {
    const description = push('refs/heads/main', ['src/a.ts'], { commits: [{ message: 'First' }, { message: `Second\n\n${token}` }] });
    const { trigger } = parseCiTrigger(undefined);
    const decision = decideCiTrigger(trigger, description);
    expect(decision.run).toBe(false);
    expect(decision.reason).toContain(token);
  });

  it('matches tokens case-insensitively', () => {
    const { trigger } = parseCiTrigger(undefined);
    expect(decideCiTrigger(trigger, push('refs/heads/main', ['a'], { commits: [{ message: 'Tidy [Skip CI]' }] })).run).toBe(false);
  });

  it('runs when no commit has a token', () => {
    const { trigger } = parseCiTrigger(undefined);
    expect(decideCiTrigger(trigger, push('refs/heads/main', ['a'], { commits: [{ message: 'skip ci' }] })).run).toBe(true);
  });
});

describe('CI trigger batch flag', () => {
  it('passes batch: true to the caller', () => {
    const { trigger } = parseCiTrigger({ batch: true, branches: { include: ['main'] } });
    const decision = decideCiTrigger(trigger, push('refs/heads/main'));
    expect(decision.run).toBe(true);
    expect(decision.batch).toBe(true);
  });

  it('defaults batch to false', () => {
    const { trigger } = parseCiTrigger(['main']);
    expect(decideCiTrigger(trigger, push('refs/heads/main')).batch).toBe(false);
  });
});
