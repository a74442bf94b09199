import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CheckoutStep } from '../../../src/language/pipeline/pipeline-model.js';
import { bash, cleanupTempDirs, git, makeGitRepo, makeRequest, runJob, variable, writeFiles } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

function checkout(repository: string, extra: Partial<CheckoutStep> = {}): CheckoutStep {
  return {
    type: 'checkout',
    repository,
    continueOnError: false,
    enabled: true,
    env: {},
    timeoutInMinutes: 0,
    retryCountOnTaskFailure: 0,
    location: { file: 'azure-pipelines.yml', line: 3, column: 3 },
    ...extra,
  };
}

function issues(run: Awaited<ReturnType<typeof runJob>>, type: 'warning' | 'error'): string[] {
  return run.events.flatMap((event) => (event.type === 'issue' && event.issueType === type ? [event.message] : []));
}

describe('checkout of several repositories', () => {
  it('puts each repository in s/<name> and keeps Build.SourcesDirectory at s', async () => {
    const self = makeGitRepo({ 'app.txt': 'app\n' });
    const tools = makeGitRepo({ 'tool.txt': 'tool\n' });
    const request = makeRequest(
      [checkout('self'), checkout('tools'), bash('echo "sources=$BUILD_SOURCESDIRECTORY"; echo "local=$BUILD_REPOSITORY_LOCALPATH"; ls "$BUILD_SOURCESDIRECTORY" | sort | tr "\\n" " "')],
      {
        source: { path: self, inPlace: false },
        repositories: { tools: { path: tools, name: 'org/tools-repo' } },
        variables: { 'Build.Repository.Name': variable('org/app-repo') },
      },
    );

    const run = await runJob(request);

    expect(run.outcome.result).toBe('succeeded');
    const lines = run.lines(3);
    const sources = lines.find((line) => line.startsWith('sources='))!.slice('sources='.length);
    expect(sources.endsWith('/s')).toBe(true);
    expect(lines).toContain(`local=${join(sources, 'app-repo')}`);
    expect(lines).toContain('app-repo tools-repo ');
    expect(readFileSync(join(sources, 'tools-repo', 'tool.txt'), 'utf8')).toBe('tool\n');
  });

  it('fails a checkout of an alias without a local path', async () => {
    const run = await runJob(makeRequest([checkout('other')]));

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain('--repository other=PATH');
  });

  it('rejects a path outside Agent.BuildDirectory', async () => {
    const self = makeGitRepo({ 'a.txt': 'a\n' });
    const run = await runJob(makeRequest([checkout('self', { path: '../outside' })], { source: { path: self, inPlace: false } }));

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain("checkout path '../outside'");
  });
});

describe('checkout options', () => {
  it('makes a shallow clone with fetchDepth', async () => {
    const self = makeGitRepo({ 'a.txt': 'one\n' });
    writeFiles(self, { 'a.txt': 'two\n' });
    git(self, 'commit', '-qam', 'second');
    writeFiles(self, { 'a.txt': 'uncommitted\n' });

    const run = await runJob(makeRequest([checkout('self', { fetchDepth: 1 }), bash('git rev-list --count HEAD; cat a.txt; git tag | wc -l')], { source: { path: self, inPlace: false } }));

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['1', 'two', '0']);
    expect(readFileSync(join(self, 'a.txt'), 'utf8')).toBe('uncommitted\n');
  });

  it('drops tags from the copy when fetchTags is false', async () => {
    const self = makeGitRepo({ 'a.txt': 'a\n' });
    git(self, 'tag', 'v1');

    const run = await runJob(makeRequest([checkout('self', { fetchTags: false }), bash('git tag | wc -l')], { source: { path: self, inPlace: false } }));

    expect(run.lines(2)).toEqual(['0']);
    expect(git(self, 'tag').trim()).toBe('v1');
  });

  it('copies submodule contents only when asked', async () => {
    const inner = makeGitRepo({ 'inner.txt': 'inner\n' });
    const self = makeGitRepo({ 'a.txt': 'a\n' });
    git(self, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', inner, 'lib');
    git(self, 'commit', '-qm', 'add submodule');

    const without = await runJob(makeRequest([checkout('self'), bash('ls -A lib | wc -l')], { source: { path: self, inPlace: false } }));
    const withSubmodules = await runJob(makeRequest([checkout('self', { submodules: true }), bash('cat lib/inner.txt')], { source: { path: self, inPlace: false } }));

    expect(without.lines(2)).toEqual(['0']);
    expect(withSubmodules.outcome.result).toBe('succeeded');
    expect(withSubmodules.lines(2)).toEqual(['inner']);
  });

  it('logs clean, persistCredentials and lfs notes', async () => {
    const self = makeGitRepo({ 'a.txt': 'a\n' });
    const request = makeRequest([checkout('self', { clean: true, persistCredentials: true, lfs: true })], { source: { path: self, inPlace: false } });
    const first = await runJob(request);
    const second = await runJob({ ...request, workRoot: request.workRoot });

    const logs = second.events.flatMap((event) => (event.type === 'log' ? [event.line] : []));
    expect(first.outcome.result).toBe('succeeded');
    expect(logs.some((line) => line.includes("ran 'git clean -ffdx' and 'git reset --hard HEAD'"))).toBe(true);
    expect(logs.some((line) => line.includes('persistCredentials'))).toBe(true);
    const lfsInstalled = existsSync('/usr/bin/git-lfs') || existsSync('/usr/local/bin/git-lfs');
    if (!lfsInstalled) expect(issues(second, 'warning').some((message) => message.includes('git-lfs is not installed'))).toBe(true);
    else expect(logs.some((line) => line.startsWith('lfs:'))).toBe(true);
    expect(readdirSync(self).sort()).toEqual(['.git', 'a.txt']);
  });
});
