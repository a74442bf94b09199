import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { NO_PUSH_URL, readSharedClonePlan, writeSharedClone } from '../../../src/runner/checkout/shared-clone.js';
import { copySources } from '../../../src/runner/source-checkout.js';
import { cleanupTempDirs, git, makeGitRepo, makeTempDir, writeFiles } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

/** Creates a repository with a nested and a packed branch, an annotated and a lightweight tag, and a remote-tracking ref. */
function makeRichRepo(): string {
  const repo = makeGitRepo({ 'a.txt': 'a\n', 'src/b.txt': 'b\n' }, 'feature/work');
  git(repo, 'branch', 'other');
  git(repo, 'tag', '-a', 'v1', '-m', 'release one');
  git(repo, 'pack-refs', '--all');
  writeFiles(repo, { 'a.txt': 'second\n' });
  git(repo, 'commit', '--quiet', '-am', 'Second commit');
  git(repo, 'tag', 'light');
  // Clone copies branches and tags only, so this ref must not show up in the copy.
  git(repo, 'update-ref', 'refs/remotes/upstream/main', 'HEAD');
  return repo;
}

/** Clones `repo` into `<dir>/real` with git and into `<dir>/written` with writeSharedClone. */
async function cloneBothWays(repo: string): Promise<{ real: string; written: string }> {
  const dir = makeTempDir();
  const real = join(dir, 'real');
  git(dir, 'clone', '--quiet', '--shared', '--no-checkout', repo, real);
  const plan = await readSharedClonePlan(repo);
  expect(plan).toBeDefined();
  const written = join(dir, 'written');
  mkdirSync(written);
  await writeSharedClone(plan!, written);
  for (const clone of [real, written]) copyFileSync(join(repo, '.git', 'index'), join(clone, '.git', 'index'));
  return { real, written };
}

describe('writeSharedClone', () => {
  it('writes the refs git clone --shared writes', async () => {
    const { real, written } = await cloneBothWays(makeRichRepo());
    const format = '--format=%(objectname) %(objecttype) %(refname) %(symref) %(upstream)';
    expect(git(written, 'for-each-ref', format)).toBe(git(real, 'for-each-ref', format));
    expect(git(written, 'symbolic-ref', 'HEAD')).toBe(git(real, 'symbolic-ref', 'HEAD'));
    expect(git(written, 'for-each-ref', 'refs/remotes/upstream')).toBe('');
  });

  it('writes the config git clone --shared writes', async () => {
    const { real, written } = await cloneBothWays(makeRichRepo());
    const withoutPushUrl = git(written, 'config', '--local', '--list').replace(`remote.origin.pushurl=${NO_PUSH_URL}\n`, '');
    expect(withoutPushUrl).toBe(git(real, 'config', '--local', '--list'));
    expect(git(written, 'rev-parse', '--abbrev-ref', '@{upstream}')).toBe('origin/feature/work\n');
  });

  it('keeps an unusual source path readable in the config', async () => {
    const parent = join(makeTempDir(), 'odd #dir; "q"');
    mkdirSync(parent);
    const repo = join(parent, 'repo');
    mkdirSync(repo);
    git(repo, 'init', '--quiet', '-b', 'main');
    writeFileSync(join(repo, 'a.txt'), 'a\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'one');
    const { real, written } = await cloneBothWays(repo);
    expect(git(written, 'config', 'remote.origin.url')).toBe(git(real, 'config', 'remote.origin.url'));
    expect(git(written, 'log', '--format=%s')).toBe('one\n');
  });

  it('refuses a push into the source', async () => {
    const repo = makeRichRepo();
    const { written } = await cloneBothWays(repo);
    expect(git(written, 'config', 'remote.origin.pushurl')).toBe(`${NO_PUSH_URL}\n`);
    const push = spawnSync('git', ['push', 'origin', 'HEAD:refs/heads/from-copy'], { cwd: written, encoding: 'utf8' });
    expect(push.status).not.toBe(0);
    expect(push.stderr).toContain('sluice-local-runs-do-not-push');
    expect(git(repo, 'branch', '--list', 'from-copy')).toBe('');
    // Fetching still reads from the source.
    expect(spawnSync('git', ['fetch', '--quiet', 'origin'], { cwd: written }).status).toBe(0);
  });

  it('shares the source objects without copying them', async () => {
    const repo = makeRichRepo();
    const { written } = await cloneBothWays(repo);
    expect(readFileSync(join(written, '.git', 'objects', 'info', 'alternates'), 'utf8').trim()).toBe(join(repo, '.git', 'objects'));
    expect(git(written, 'log', '--format=%s', 'v1')).toBe('First commit\n');
    expect(git(written, 'cat-file', '-t', 'v1')).toBe('tag\n');
    expect(git(written, 'fsck', '--connectivity-only', '--no-dangling')).toBe('');
  });
});

describe('readSharedClonePlan', () => {
  it('leaves a detached HEAD to git', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    git(repo, 'checkout', '--quiet', '--detach');
    expect(await readSharedClonePlan(repo)).toBeUndefined();
  });

  it('leaves a worktree to git', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    const worktree = join(makeTempDir(), 'wt');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'side', worktree);
    expect(await readSharedClonePlan(worktree)).toBeUndefined();
  });

  it('leaves a repository without commits to git', async () => {
    const repo = makeTempDir();
    git(repo, 'init', '--quiet', '-b', 'main');
    expect(await readSharedClonePlan(repo)).toBeUndefined();
  });

  it('leaves format version 1 repositories to git', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a' });
    git(repo, 'config', 'core.repositoryformatversion', '1');
    git(repo, 'config', 'extensions.worktreeConfig', 'true');
    expect(await readSharedClonePlan(repo)).toBeUndefined();
  });
});

describe('copySources history', () => {
  it('gives the copy a working repository', async () => {
    const repo = makeRichRepo();
    writeFiles(repo, { 'src/b.txt': 'edited\n', 'new.txt': 'new\n' });
    const target = join(makeTempDir(), 's');

    const summary = await copySources(repo, target, join(makeTempDir(), 'work'));

    expect(summary.hasHistory).toBe(true);
    expect(existsSync(join(target, '.git', 'objects', 'info', 'alternates'))).toBe(true);
    expect(git(target, 'status', '--porcelain')).toBe(' M src/b.txt\n?? new.txt\n');
    expect(git(target, 'diff', '--name-only')).toBe('src/b.txt\n');
    expect(git(target, 'log', '--format=%s')).toBe('Second commit\nFirst commit\n');
    expect(git(target, 'describe', '--tags')).toBe('light\n');
    expect(git(target, 'branch', '--show-current')).toBe('feature/work\n');
    // A commit in the copy goes to the copy only.
    git(target, 'commit', '--quiet', '-am', 'In the copy');
    expect(git(repo, 'log', '-1', '--format=%s')).toBe('Second commit\n');
  });

  it('shares one file listing between the jobs of a run', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a\n' });
    const workRoot = join(makeTempDir(), 'work');
    const first = await copySources(repo, join(makeTempDir(), 's'), workRoot);
    // Created after the first job's checkout and never added, so the run does not see it.
    writeFiles(repo, { 'late.txt': 'late\n' });
    const second = await copySources(repo, join(makeTempDir(), 's'), workRoot);
    const otherRun = await copySources(repo, join(makeTempDir(), 's'), join(makeTempDir(), 'work'));
    expect(first.fileCount).toBe(1);
    expect(second.fileCount).toBe(1);
    expect(otherRun.fileCount).toBe(2);
  });

  it('lists the source again after git add', async () => {
    const repo = makeGitRepo({ 'a.txt': 'a\n' });
    const workRoot = join(makeTempDir(), 'work');
    await copySources(repo, join(makeTempDir(), 's'), workRoot);
    writeFiles(repo, { 'added.txt': 'added\n' });
    git(repo, 'add', 'added.txt');
    const target = join(makeTempDir(), 's');
    const summary = await copySources(repo, target, workRoot);
    expect(summary.fileCount).toBe(2);
    // The copy has the source's index, so the staged file shows as added, as in the source.
    expect(git(target, 'status', '--porcelain')).toBe('A  added.txt\n');
  });
});
