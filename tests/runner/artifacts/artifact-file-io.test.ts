import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactErrorCode } from '../../../src/runner/artifacts/artifact-error-codes.js';
import { ArtifactError } from '../../../src/runner/artifacts/artifact-error.js';
import type { ManifestFileEntry } from '../../../src/runner/artifacts/artifact-manifest.js';
import { blobPath, copyWithHash, prepareBlobStore, SMALL_FILE_BYTES } from '../../../src/runner/artifacts/blob-store.js';
import { downloadArtifact } from '../../../src/runner/artifacts/download-artifact.js';
import { EventLoopBudget } from '../../../src/runner/artifacts/event-loop-budget.js';
import { publishArtifact } from '../../../src/runner/artifacts/publish-artifact.js';
import { storeSmallFiles } from '../../../src/runner/artifacts/store-small-files.js';

let temp: string;
let storeRoot: string;
let source: string;
let target: string;

beforeEach(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'sluice-artifact-io-'));
  storeRoot = path.join(temp, 'store');
  source = path.join(temp, 'source');
  target = path.join(temp, 'out');
  await mkdir(source);
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

function sha256Of(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

async function errorOf(promise: Promise<unknown>): Promise<ArtifactError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ArtifactError) return error;
    throw error;
  }
  throw new Error('expected an ArtifactError, but the call succeeded');
}

/** Publishes `files` as artifact `name` and returns the manifest entry of `entryPath`. */
async function publishAndFind(name: string, files: Record<string, Uint8Array | string>, entryPath: string): Promise<ManifestFileEntry> {
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(source, relative)), { recursive: true });
    await writeFile(path.join(source, relative), content);
  }
  const manifest = await publishArtifact({ storeRoot, name, sourcePath: source });
  const entry = manifest.entries.find((item) => item.path === entryPath);
  if (entry?.type !== 'file') throw new Error(`no file entry '${entryPath}' in the manifest`);
  return entry;
}

async function storedBlobCount(): Promise<number> {
  const names = await readdir(path.join(storeRoot, 'blobs'), { recursive: true });
  return names.filter((name) => /^[0-9a-f]{2}\/[0-9a-f]{64}$/.test(name)).length;
}

describe('copyWithHash', () => {
  it('hashes sizes around the copy piece size', async () => {
    const sizes = [0, 1, 2 * 1024 * 1024, 2 * 1024 * 1024 + 1, 5 * 1024 * 1024 + 123];
    for (const size of sizes) {
      const content = randomBytes(size);
      const file = path.join(temp, `in-${size}`);
      const copy = path.join(temp, `out-${size}`);
      await writeFile(file, content);

      const result = await copyWithHash(file, copy);

      expect(result.size).toBe(size);
      expect(result.sha256).toBe(sha256Of(content));
      expect((await readFile(copy)).equals(content)).toBe(true);
      expect((await stat(copy)).mode & 0o777).toBe(0o600);
    }
  });

  it('rejects an existing destination', async () => {
    await writeFile(path.join(temp, 'in'), 'x');
    await writeFile(path.join(temp, 'out'), 'keep');
    await expect(copyWithHash(path.join(temp, 'in'), path.join(temp, 'out'))).rejects.toMatchObject({ code: 'EEXIST' });
    expect(await readFile(path.join(temp, 'out'), 'utf8')).toBe('keep');
  });

  it('stops when the signal aborts', async () => {
    await writeFile(path.join(temp, 'in'), randomBytes(64));
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    await expect(copyWithHash(path.join(temp, 'in'), path.join(temp, 'out'), controller.signal)).rejects.toThrow('cancelled by user');
  });
});

describe('publish', () => {
  it('stores identical small and large files once', async () => {
    const large = randomBytes(SMALL_FILE_BYTES + 4096);
    await publishAndFind('dedup', { 'a/one.txt': 'same', 'b/two.txt': 'same', 'big1.bin': large, 'c/big2.bin': large, 'other.txt': 'different' }, 'big1.bin');
    expect(await storedBlobCount()).toBe(3);
    // Temporary files are all renamed or removed.
    expect(await readdir(path.join(storeRoot, 'tmp'))).toEqual([]);
  });

  it('records size, hash and mode of both paths', async () => {
    const large = randomBytes(SMALL_FILE_BYTES + 1);
    await writeFile(path.join(source, 'small.sh'), 'echo small\n');
    await chmod(path.join(source, 'small.sh'), 0o750);
    await writeFile(path.join(source, 'large.bin'), large);
    await chmod(path.join(source, 'large.bin'), 0o604);

    const manifest = await publishArtifact({ storeRoot, name: 'modes', sourcePath: source });

    expect(manifest.entries).toEqual([
      { type: 'file', path: 'large.bin', size: large.length, sha256: sha256Of(large), mode: 0o604 },
      { type: 'file', path: 'small.sh', size: 11, sha256: sha256Of(Buffer.from('echo small\n')), mode: 0o750 },
    ]);
    expect((await readFile(blobPath(storeRoot, sha256Of(large)))).equals(large)).toBe(true);
  });

  it('rejects a file that turned into a FIFO', async () => {
    execFileSync('mkfifo', [path.join(source, 'queue')]);
    await prepareBlobStore(storeRoot);
    const entry: ManifestFileEntry = { type: 'file', path: 'queue', size: 0, sha256: '', mode: 0 };

    // O_NONBLOCK keeps this open from waiting for a writer.
    const error = await errorOf(storeSmallFiles(storeRoot, source, [entry]));

    expect(error.code).toBe(ArtifactErrorCode.UnsupportedFileType);
    expect(error.message).toContain("'queue'");
  });

  it('does not follow a file that turned into a link', async () => {
    await writeFile(path.join(temp, 'secret.txt'), 'outside the artifact');
    await symlink(path.join(temp, 'secret.txt'), path.join(source, 'report.txt'));
    await prepareBlobStore(storeRoot);
    const entry: ManifestFileEntry = { type: 'file', path: 'report.txt', size: 0, sha256: '', mode: 0 };

    await expect(storeSmallFiles(storeRoot, source, [entry])).rejects.toMatchObject({ code: 'ELOOP' });
    expect(entry.sha256).toBe('');
  });
});

describe('download verification', () => {
  it('detects a corrupted large blob', async () => {
    const content = randomBytes(SMALL_FILE_BYTES + 10);
    const entry = await publishAndFind('big', { 'big.bin': content }, 'big.bin');
    const damaged = Buffer.from(content);
    damaged[SMALL_FILE_BYTES] = (damaged[SMALL_FILE_BYTES] as number) ^ 0xff;
    await writeFile(blobPath(storeRoot, entry.sha256), damaged);

    const error = await errorOf(downloadArtifact({ storeRoot, name: 'big', targetPath: target }));

    expect(error.code).toBe(ArtifactErrorCode.BlobCorrupted);
    expect(error.message).toContain("'big.bin'");
    expect(error.message).toContain(sha256Of(damaged));
    // Neither the file nor its temporary copy is left behind.
    expect(await readdir(target)).toEqual([]);
  });

  it('detects a small blob that grew', async () => {
    const entry = await publishAndFind('grown', { 'notes.txt': 'short' }, 'notes.txt');
    const longer = Buffer.from('short, then appended');
    await writeFile(blobPath(storeRoot, entry.sha256), longer);

    const error = await errorOf(downloadArtifact({ storeRoot, name: 'grown', targetPath: target }));

    expect(error.code).toBe(ArtifactErrorCode.BlobCorrupted);
    expect(error.message).toContain(`read ${sha256Of(longer)} (${longer.length} bytes)`);
    expect(await readdir(target)).toEqual([]);
  });

  it('detects a small blob that shrank', async () => {
    const entry = await publishAndFind('cut', { 'notes.txt': 'complete text' }, 'notes.txt');
    await writeFile(blobPath(storeRoot, entry.sha256), 'comp');

    const error = await errorOf(downloadArtifact({ storeRoot, name: 'cut', targetPath: target }));

    expect(error.code).toBe(ArtifactErrorCode.BlobCorrupted);
    expect(error.message).toContain('(4 bytes)');
  });

  it('rejects a FIFO in place of a blob', async () => {
    const entry = await publishAndFind('fifo', { 'notes.txt': 'content' }, 'notes.txt');
    await rm(blobPath(storeRoot, entry.sha256));
    execFileSync('mkfifo', [blobPath(storeRoot, entry.sha256)]);

    // O_NONBLOCK keeps this open from waiting for a writer.
    const error = await errorOf(downloadArtifact({ storeRoot, name: 'fifo', targetPath: target }));

    expect(error.code).toBe(ArtifactErrorCode.BlobCorrupted);
    expect(error.message).toContain('(0 bytes)');
  });

  it('reports a missing large blob', async () => {
    const entry = await publishAndFind('gone', { 'big.bin': randomBytes(SMALL_FILE_BYTES + 1) }, 'big.bin');
    await rm(blobPath(storeRoot, entry.sha256));

    const error = await errorOf(downloadArtifact({ storeRoot, name: 'gone', targetPath: target }));

    expect(error.code).toBe(ArtifactErrorCode.BlobMissing);
    expect(error.message).toContain(entry.sha256);
    expect(await readdir(target)).toEqual([]);
  });
});

describe('stored layout', () => {
  it('downloads a store written by hand', async () => {
    // The layout earlier versions wrote: artifacts/NAME.json (version 1) and blobs/XX/SHA256.
    const small = Buffer.from('written before the fast path\n');
    const large = randomBytes(SMALL_FILE_BYTES + 7);
    for (const content of [small, large]) {
      await mkdir(path.dirname(blobPath(storeRoot, sha256Of(content))), { recursive: true });
      await writeFile(blobPath(storeRoot, sha256Of(content)), content);
    }
    await mkdir(path.join(storeRoot, 'artifacts'));
    const manifest = {
      version: 1,
      name: 'legacy',
      createdAt: '2026-01-01T00:00:00.000Z',
      sourceIsFile: false,
      entries: [
        { type: 'directory', path: 'docs', mode: 0o755 },
        { type: 'file', path: 'docs/readme.txt', size: small.length, sha256: sha256Of(small), mode: 0o644 },
        { type: 'file', path: 'payload.bin', size: large.length, sha256: sha256Of(large), mode: 0o600 },
      ],
    };
    await writeFile(path.join(storeRoot, 'artifacts', 'legacy.json'), JSON.stringify(manifest));

    const result = await downloadArtifact({ storeRoot, name: 'legacy', targetPath: target });

    expect(result).toEqual({ files: 2, bytes: small.length + large.length, links: 0 });
    expect((await readFile(path.join(target, 'docs/readme.txt'))).equals(small)).toBe(true);
    expect((await readFile(path.join(target, 'payload.bin'))).equals(large)).toBe(true);
    expect((await stat(path.join(target, 'payload.bin'))).mode & 0o777).toBe(0o600);
  });
});

describe('download destination', () => {
  it('replaces a link instead of following it', async () => {
    const outside = path.join(temp, 'outside.txt');
    await writeFile(outside, 'untouched');
    await publishAndFind('safe', { 'data.txt': 'artifact content', 'big.bin': randomBytes(SMALL_FILE_BYTES + 1) }, 'data.txt');
    await mkdir(target);
    await symlink(outside, path.join(target, 'data.txt'));
    await symlink(outside, path.join(target, 'big.bin'));

    await downloadArtifact({ storeRoot, name: 'safe', targetPath: target });

    expect(await readFile(outside, 'utf8')).toBe('untouched');
    expect((await lstat(path.join(target, 'data.txt'))).isFile()).toBe(true);
    expect(await readFile(path.join(target, 'data.txt'), 'utf8')).toBe('artifact content');
    expect((await lstat(path.join(target, 'big.bin'))).isFile()).toBe(true);
  });

  it('replaces a read-only file and sets its mode', async () => {
    await writeFile(path.join(source, 'tool.sh'), 'new');
    await chmod(path.join(source, 'tool.sh'), 0o777);
    await publishArtifact({ storeRoot, name: 'tool', sourcePath: source });
    await mkdir(target);
    await writeFile(path.join(target, 'tool.sh'), 'old');
    await chmod(path.join(target, 'tool.sh'), 0o444);

    await downloadArtifact({ storeRoot, name: 'tool', targetPath: target });

    expect(await readFile(path.join(target, 'tool.sh'), 'utf8')).toBe('new');
    // 0777 is outside the usual umask of 022, so only fchmod gives it.
    expect((await stat(path.join(target, 'tool.sh'))).mode & 0o777).toBe(0o777);
  });
});

describe('EventLoopBudget', () => {
  it('yields once the slice is spent', async () => {
    const budget = new EventLoopBudget(0);
    let immediateRan = false;
    setImmediate(() => {
      immediateRan = true;
    });

    const pause = budget.pauseIfSpent();

    expect(pause).toBeInstanceOf(Promise);
    await pause;
    expect(immediateRan).toBe(true);
  });

  it('keeps going while time is left', () => {
    const budget = new EventLoopBudget(60_000);
    expect(budget.pauseIfSpent()).toBeUndefined();
  });

  it('checks the signal after yielding', async () => {
    const controller = new AbortController();
    const budget = new EventLoopBudget(0);
    const pause = budget.pauseIfSpent(controller.signal);
    controller.abort(new Error('cancelled while yielding'));
    await expect(pause).rejects.toThrow('cancelled while yielding');
  });
});
