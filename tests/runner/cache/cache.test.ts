import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CacheErrorCode } from '../../../src/runner/cache/cache-error-codes.js';
import { CacheError } from '../../../src/runner/cache/cache-error.js';
import { computeCacheKey, isFileKeySegment } from '../../../src/runner/cache/compute-cache-key.js';
import { LocalCacheStore } from '../../../src/runner/cache/local-cache-store.js';
import { resolveCachePath } from '../../../src/runner/cache/resolve-cache-path.js';
import { restoreCache } from '../../../src/runner/cache/restore-cache.js';
import { saveCache } from '../../../src/runner/cache/save-cache.js';
import { shouldSaveCache } from '../../../src/runner/cache/should-save-cache.js';

let temp: string;
let workspace: string;
let clock: number;
const now = (): number => ++clock;

beforeEach(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'sluice-cache-'));
  workspace = path.join(temp, 'work');
  await mkdir(workspace);
  clock = 0;
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

async function cacheCode(promise: Promise<unknown> | (() => unknown)): Promise<string | undefined> {
  try {
    await (typeof promise === 'function' ? promise() : promise);
    return undefined;
  } catch (error) {
    if (error instanceof CacheError) return error.code;
    throw error;
  }
}

describe('computeCacheKey', () => {
  it('keeps strings and hashes files', async () => {
    await writeFile(path.join(workspace, 'requirements.txt'), 'pytest==9\n');
    const key = await computeCacheKey('pip | "Linux" | requirements.txt', workspace);
    const [tool, os_, hash] = key.split('|');
    expect(tool).toBe('pip');
    expect(os_).toBe('"Linux"');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);

    await writeFile(path.join(workspace, 'requirements.txt'), 'pytest==8\n');
    expect(await computeCacheKey('pip | "Linux" | requirements.txt', workspace)).not.toBe(key);
  });

  it('hashes the files a pattern list matches', async () => {
    await mkdir(path.join(workspace, 'a'));
    await writeFile(path.join(workspace, 'a/package-lock.json'), '{}');
    await writeFile(path.join(workspace, 'yarn.lock'), 'x');
    const both = await computeCacheKey('npm | **/package-lock.json,yarn.lock', workspace);
    const one = await computeCacheKey('npm | **/package-lock.json', workspace);
    expect(both.startsWith('npm|')).toBe(true);
    expect(both).not.toBe(one);
  });

  it('classifies segments', () => {
    expect(isFileKeySegment('requirements.txt')).toBe(true);
    expect(isFileKeySegment('**/*.lock')).toBe(true);
    expect(isFileKeySegment('src/setup.cfg')).toBe(true);
    expect(isFileKeySegment('"requirements.txt"')).toBe(false);
    expect(isFileKeySegment('python')).toBe(false);
    expect(isFileKeySegment('version.')).toBe(false);
    expect(isFileKeySegment('Linux x64')).toBe(false);
  });

  it('rejects missing files, empty matches and empty segments', async () => {
    expect(await cacheCode(computeCacheKey('pip | missing.txt', workspace))).toBe(CacheErrorCode.KeyFileNotFound);
    expect(await cacheCode(computeCacheKey('pip | **/*.nothing', workspace))).toBe(CacheErrorCode.KeyPatternMatchedNothing);
    expect(await cacheCode(computeCacheKey('pip || x', workspace))).toBe(CacheErrorCode.EmptyKey);
  });
});

describe('resolveCachePath', () => {
  it('resolves relative paths in the workspace', () => {
    expect(resolveCachePath('.pip', path.join(workspace, 's'), workspace)).toBe(path.join(workspace, 's/.pip'));
  });

  it('rejects paths outside the workspace', async () => {
    expect(await cacheCode(() => resolveCachePath('../../etc', path.join(workspace, 's'), workspace))).toBe(CacheErrorCode.PathOutsideWorkspace);
    expect(await cacheCode(() => resolveCachePath('/tmp/elsewhere', workspace, workspace))).toBe(CacheErrorCode.PathOutsideWorkspace);
    expect(await cacheCode(() => resolveCachePath('.', workspace, workspace))).toBe(CacheErrorCode.PathOutsideWorkspace);
  });
});

describe('save and restore', () => {
  it('restores an exact hit', async () => {
    const store = new LocalCacheStore({ root: path.join(temp, 'cache'), now });
    const cacheDir = path.join(workspace, '.pip');
    await mkdir(path.join(cacheDir, 'wheels'), { recursive: true });
    await writeFile(path.join(cacheDir, 'wheels/a.whl'), 'wheel-a');

    expect((await saveCache({ store, key: 'pip|Linux|abc', sourcePath: cacheDir })).saved).toBe(true);
    await rm(cacheDir, { recursive: true });

    const restored = await restoreCache({ store, key: 'pip|Linux|abc', targetPath: cacheDir });
    expect(restored).toEqual({ cacheHit: 'true', restoredKey: 'pip|Linux|abc' });
    expect(await readFile(path.join(cacheDir, 'wheels/a.whl'), 'utf8')).toBe('wheel-a');
  });

  it('restores a single file', async () => {
    const store = new LocalCacheStore({ root: path.join(temp, 'cache'), now });
    const file = path.join(workspace, 'tool.bin');
    await writeFile(file, 'binary');
    await saveCache({ store, key: 'tool|1', sourcePath: file });
    await rm(file);
    expect((await restoreCache({ store, key: 'tool|1', targetPath: file })).cacheHit).toBe('true');
    expect(await readFile(file, 'utf8')).toBe('binary');
  });

  it('uses the newest restore-key match', async () => {
    const store = new LocalCacheStore({ root: path.join(temp, 'cache'), now });
    const cacheDir = path.join(workspace, 'c');
    await mkdir(cacheDir);
    for (const version of ['old', 'new']) {
      await writeFile(path.join(cacheDir, 'v.txt'), version);
      await saveCache({ store, key: `pip|Linux|${version}`, sourcePath: cacheDir });
    }
    await writeFile(path.join(cacheDir, 'other.txt'), 'o');
    await saveCache({ store, key: 'npm|Linux|x', sourcePath: cacheDir });
    await rm(cacheDir, { recursive: true });

    const restored = await restoreCache({ store, key: 'pip|Linux|missing', restoreKeys: ['pip|Windows', 'pip|Linux'], targetPath: cacheDir });
    expect(restored).toEqual({ cacheHit: 'inexact', restoredKey: 'pip|Linux|new' });
    expect(await readFile(path.join(cacheDir, 'v.txt'), 'utf8')).toBe('new');
    expect(await restoreCache({ store, key: 'gem|x', restoreKeys: ['gem'], targetPath: cacheDir })).toEqual({ cacheHit: 'false' });
  });

  it('keeps entries immutable', async () => {
    const store = new LocalCacheStore({ root: path.join(temp, 'cache'), now });
    const cacheDir = path.join(workspace, 'c');
    await mkdir(cacheDir);
    await writeFile(path.join(cacheDir, 'v.txt'), 'first');
    expect((await saveCache({ store, key: 'k', sourcePath: cacheDir })).saved).toBe(true);
    await writeFile(path.join(cacheDir, 'v.txt'), 'second');
    expect((await saveCache({ store, key: 'k', sourcePath: cacheDir })).saved).toBe(false);
    await restoreCache({ store, key: 'k', targetPath: cacheDir });
    expect(await readFile(path.join(cacheDir, 'v.txt'), 'utf8')).toBe('first');
  });

  it('rejects saving a missing path', async () => {
    const store = new LocalCacheStore({ root: path.join(temp, 'cache'), now });
    expect(await cacheCode(saveCache({ store, key: 'k', sourcePath: path.join(workspace, 'none') }))).toBe(CacheErrorCode.CachePathNotFound);
  });

  it('reports a damaged entry', async () => {
    const store = new LocalCacheStore({ root: path.join(temp, 'cache'), now });
    const cacheDir = path.join(workspace, 'c');
    await mkdir(cacheDir);
    await writeFile(path.join(cacheDir, 'v.txt'), 'x');
    await saveCache({ store, key: 'k', sourcePath: cacheDir });
    await writeFile(store.archivePath('k'), 'not a tar archive');
    expect(await cacheCode(restoreCache({ store, key: 'k', targetPath: cacheDir }))).toBe(CacheErrorCode.EntryDamaged);
  });
});

describe('LRU eviction', () => {
  it('evicts the least recently used first', async () => {
    const cacheDir = path.join(workspace, 'c');
    await mkdir(cacheDir);
    // Random bytes do not compress, so each archive is a little over 4 KiB.
    await writeFile(path.join(cacheDir, 'blob.bin'), Buffer.from(Array.from({ length: 4096 }, () => Math.floor(Math.random() * 256))));
    const probe = new LocalCacheStore({ root: path.join(temp, 'probe'), now });
    const size = (await saveCache({ store: probe, key: 'probe', sourcePath: cacheDir })).sizeBytes;

    const store = new LocalCacheStore({ root: path.join(temp, 'cache'), maxBytes: size * 3, now });
    for (const key of ['a', 'b', 'c']) await saveCache({ store, key, sourcePath: cacheDir });
    // Using `a` makes `b` the least recently used.
    await restoreCache({ store, key: 'a', targetPath: path.join(workspace, 'r') });
    await saveCache({ store, key: 'd', sourcePath: cacheDir });
    expect((await store.entries()).map((entry) => entry.key).sort()).toEqual(['a', 'c', 'd']);

    await saveCache({ store, key: 'e', sourcePath: cacheDir });
    expect((await store.entries()).map((entry) => entry.key).sort()).toEqual(['a', 'd', 'e']);
    expect(await stat(store.archivePath('b')).catch(() => undefined)).toBeUndefined();
  });

  it('does not keep an archive over the limit', async () => {
    const cacheDir = path.join(workspace, 'c');
    await mkdir(cacheDir);
    await writeFile(path.join(cacheDir, 'v.txt'), 'x');
    const store = new LocalCacheStore({ root: path.join(temp, 'cache'), maxBytes: 10, now });
    expect((await saveCache({ store, key: 'k', sourcePath: cacheDir })).saved).toBe(false);
    expect(await store.entries()).toEqual([]);
  });
});

describe('shouldSaveCache', () => {
  it('saves only after a miss in a successful job', () => {
    expect(shouldSaveCache('false', true)).toBe(true);
    expect(shouldSaveCache('inexact', true)).toBe(true);
    expect(shouldSaveCache('true', true)).toBe(false);
    expect(shouldSaveCache('false', false)).toBe(false);
  });
});
