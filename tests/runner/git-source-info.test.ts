import { afterEach, describe, expect, it } from 'vitest';
import { readGitSourceInfo } from '../../src/runner/git-source-info.js';
import { cleanupTempDirs, git, makeGitRepo, makeTempDir } from './runner-test-helpers.js';

afterEach(cleanupTempDirs);

describe('readGitSourceInfo', () => {
  it('reads branch, commit and first message line', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' }, 'feature/tools');
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    const info = await readGitSourceInfo(repo);
    expect(info.isRepository).toBe(true);
    expect(info.branch).toBe('refs/heads/feature/tools');
    expect(info.branchName).toBe('tools');
    expect(info.commit).toBe(head);
    expect(info.message).toBe('First commit');
  });

  it('reports a detached head by its commit', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    git(repo, 'checkout', '--quiet', '--detach');
    const info = await readGitSourceInfo(repo);
    expect(info.branch).toBe(head);
    expect(info.commit).toBe(head);
  });

  it('applies a branch override', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    expect((await readGitSourceInfo(repo, 'release/2.0')).branch).toBe('refs/heads/release/2.0');
    expect((await readGitSourceInfo(repo, 'refs/tags/v1')).branchName).toBe('v1');
  });

  it('cuts a long message to 200 characters', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'x'.repeat(300));
    expect((await readGitSourceInfo(repo)).message).toBe('x'.repeat(200));
  });

  it('handles a folder outside git', async () => {
    const info = await readGitSourceInfo(makeTempDir());
    expect(info).toEqual({ branch: '', branchName: '', commit: '', message: '', isRepository: false });
  });
});
