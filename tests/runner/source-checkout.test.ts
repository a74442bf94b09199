import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NO_PUSH_URL } from '../../src/runner/checkout/shared-clone.js';
import { copySources } from '../../src/runner/source-checkout.js';
import { cleanupTempDirs, git, makeGitRepo, makeTempDir, writeFiles } from './runner-test-helpers.js';

afterEach(cleanupTempDirs);

describe('copySources', () => {
  it('copies tracked and new files, skips ignored ones, leaves the source untouched', async () => {
    const repo = makeGitRepo({ '.gitignore': 'build/\n*.log\n', 'src/app.py': 'print(1)\n', 'README.md': 'old\n' });
    writeFiles(repo, { 'src/new.py': 'new\n', 'README.md': 'changed\n', 'build/out.bin': 'x', 'debug.log': 'log' });
    symlinkSync('src/app.py', join(repo, 'link.py'));
    const statusBefore = git(repo, 'status', '--porcelain');
    const target = join(makeTempDir(), 's');

    const summary = await copySources(repo, target);

    expect(summary.fromGit).toBe(true);
    expect(readFileSync(join(target, 'src/new.py'), 'utf8')).toBe('new\n');
    expect(readFileSync(join(target, 'README.md'), 'utf8')).toBe('changed\n');
    expect(existsSync(join(target, 'build/out.bin'))).toBe(false);
    expect(existsSync(join(target, 'debug.log'))).toBe(false);
    expect(lstatSync(join(target, 'link.py')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(target, 'link.py'))).toBe('src/app.py');
    expect(git(repo, 'status', '--porcelain')).toBe(statusBefore);
  });

  it('gives the copy the git history of the source', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a\n' });
    writeFiles(repo, { 'a.txt': 'edited\n' });
    const target = join(makeTempDir(), 's');
    const summary = await copySources(repo, target);
    expect(summary.hasHistory).toBe(true);
    expect(git(target, 'rev-parse', 'HEAD')).toBe(git(repo, 'rev-parse', 'HEAD'));
    expect(git(target, 'status', '--porcelain').trim()).toBe('M a.txt');
  });

  it('blocks pushes from a git-cloned copy', async () => {
    // A detached HEAD has no clone plan, so git clone makes the copy's history.
    const repo = makeGitRepo({ 'a.txt': 'a\n' });
    git(repo, 'checkout', '--quiet', '--detach');
    const target = join(makeTempDir(), 's');
    const summary = await copySources(repo, target);
    expect(summary.hasHistory).toBe(true);
    expect(git(target, 'config', 'remote.origin.pushurl')).toBe(`${NO_PUSH_URL}\n`);
    const push = spawnSync('git', ['push', 'origin', 'HEAD:refs/heads/from-copy'], { cwd: target, encoding: 'utf8' });
    expect(push.status).not.toBe(0);
    expect(git(repo, 'branch', '--list', 'from-copy')).toBe('');
  });

  it('skips files deleted in the work tree', async () => {
    const repo = makeGitRepo({ 'keep.txt': 'k', 'gone.txt': 'g' });
    rmSync(join(repo, 'gone.txt'));
    const target = join(makeTempDir(), 's');
    await copySources(repo, target);
    expect(existsSync(join(target, 'keep.txt'))).toBe(true);
    expect(existsSync(join(target, 'gone.txt'))).toBe(false);
  });

  it('copies a non-git folder whole except .git and the work root', async () => {
    const source = makeTempDir();
    writeFiles(source, { 'a.txt': 'a', 'node_modules/m/index.js': 'm', '.git/HEAD': 'not a repo' });
    mkdirSync(join(source, '.sluice', 'work'), { recursive: true });
    writeFiles(source, { '.sluice/work/1/s/stale.txt': 'stale' });
    const target = join(makeTempDir(), 's');

    const summary = await copySources(source, target, join(source, '.sluice', 'work'));

    expect(summary.fromGit).toBe(false);
    expect(existsSync(join(target, 'a.txt'))).toBe(true);
    expect(existsSync(join(target, 'node_modules/m/index.js'))).toBe(true);
    expect(existsSync(join(target, '.git'))).toBe(false);
    expect(existsSync(join(target, '.sluice/work'))).toBe(false);
  });
});
