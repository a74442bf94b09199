import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { listLooseRefs, plainGitDirectory, readHead, readLooseCommitMessage, readPackedRefs, resolveRef } from '../../src/runner/git-files.js';
import { readGitSourceInfo } from '../../src/runner/git-source-info.js';
import { cleanupTempDirs, git, makeGitRepo, makeTempDir } from './runner-test-helpers.js';

afterEach(cleanupTempDirs);

describe('git files', () => {
  it('reads HEAD, loose and packed refs as git does', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' }, 'topic/one');
    git(repo, 'branch', 'packed');
    git(repo, 'pack-refs', '--all');
    git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'Loose again');
    const gitDir = await plainGitDirectory(repo);
    expect(gitDir).toBe(join(repo, '.git'));

    expect(await readHead(gitDir!)).toEqual({ kind: 'symbolic', ref: 'refs/heads/topic/one' });
    expect(await resolveRef(gitDir!, 'refs/heads/topic/one')).toBe(git(repo, 'rev-parse', 'topic/one').trim());
    expect(await resolveRef(gitDir!, 'refs/heads/packed')).toBe(git(repo, 'rev-parse', 'packed').trim());
    expect(await resolveRef(gitDir!, 'refs/heads/missing')).toBeUndefined();
    expect((await readPackedRefs(gitDir!))?.get('refs/heads/packed')).toBe(git(repo, 'rev-parse', 'packed').trim());
    expect([...(await listLooseRefs(gitDir!, 'refs/heads'))!.keys()]).toEqual(['refs/heads/topic/one']);
  });

  it('reads a loose commit message', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    const gitDir = join(repo, '.git');
    const head = git(repo, 'rev-parse', 'HEAD').trim();
    expect(await readLooseCommitMessage(gitDir, head)).toBe(git(repo, 'log', '-1', '--format=%B').replace(/\n$/, ''));
    const tree = git(repo, 'rev-parse', 'HEAD^{tree}').trim();
    expect(await readLooseCommitMessage(gitDir, tree)).toBeUndefined();
  });

  it('rejects repositories only git can read', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    expect(await plainGitDirectory(repo, { GIT_DIR: join(repo, '.git') })).toBeUndefined();
    git(repo, 'config', 'include.path', 'extra.config');
    expect(await plainGitDirectory(repo)).toBeUndefined();
    expect(await plainGitDirectory(makeTempDir())).toBeUndefined();
  });

  it('treats a symbolic ref in refs/heads as unreadable', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    writeFileSync(join(repo, '.git', 'refs', 'heads', 'alias'), 'ref: refs/heads/main\n');
    expect(await listLooseRefs(join(repo, '.git'), 'refs/heads')).toBeUndefined();
  });
});

describe('readGitSourceInfo without git', () => {
  it('matches git for packed commits and an encoding header', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    git(repo, 'gc', '--quiet');
    const packed = await readGitSourceInfo(repo);
    expect(packed.message).toBe('First commit');
    expect(packed.commit).toBe(git(repo, 'rev-parse', 'HEAD').trim());

    git(repo, '-c', 'i18n.commitEncoding=ISO-8859-1', 'commit', '--quiet', '--allow-empty', '-m', 'Latin one');
    expect((await readGitSourceInfo(repo)).message).toBe('Latin one');
  });

  it('reads an unborn branch through git', async () => {
    const repo = makeTempDir();
    git(repo, 'init', '--quiet', '-b', 'fresh');
    const info = await readGitSourceInfo(repo);
    expect(info).toEqual({ branch: 'refs/heads/fresh', branchName: 'fresh', commit: '', message: '', isRepository: true });
  });
});
