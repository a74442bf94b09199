import { createHash } from 'node:crypto';
import { chmod, lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ArtifactErrorCode } from '../../../src/runner/artifacts/artifact-error-codes.js';
import { ArtifactError } from '../../../src/runner/artifacts/artifact-error.js';
import { validateArtifactName } from '../../../src/runner/artifacts/artifact-name.js';
import { blobPath } from '../../../src/runner/artifacts/blob-store.js';
import { downloadArtifact } from '../../../src/runner/artifacts/download-artifact.js';
import { listArtifacts } from '../../../src/runner/artifacts/list-artifacts.js';
import { publishArtifact } from '../../../src/runner/artifacts/publish-artifact.js';

let temp: string;
let storeRoot: string;
let source: string;

beforeEach(async () => {
  temp = await mkdtemp(path.join(os.tmpdir(), 'sluice-artifacts-'));
  storeRoot = path.join(temp, 'store');
  source = path.join(temp, 'source');
  await mkdir(source);
});
afterEach(async () => {
  await rm(temp, { recursive: true, force: true });
});

async function writeTree(files: Record<string, string>): Promise<void> {
  for (const [relative, content] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(source, relative)), { recursive: true });
    await writeFile(path.join(source, relative), content);
  }
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof ArtifactError) return error.code;
    throw error;
  }
}

describe('publish and download', () => {
  it('round-trips files, modes, empty folders and links', async () => {
    await writeTree({ 'bin/run.sh': '#!/bin/sh\necho hi\n', 'dist/a.whl': 'wheel', 'dist/copy.whl': 'wheel' });
    await chmod(path.join(source, 'bin/run.sh'), 0o755);
    await mkdir(path.join(source, 'empty'));
    await chmod(path.join(source, 'empty'), 0o750);
    await symlink('../dist/a.whl', path.join(source, 'bin/latest.whl'));

    const manifest = await publishArtifact({ storeRoot, name: 'drop', sourcePath: source });
    expect(manifest.entries.map((entry) => `${entry.type}:${entry.path}`)).toEqual([
      'directory:bin',
      'link:bin/latest.whl',
      'file:bin/run.sh',
      'directory:dist',
      'file:dist/a.whl',
      'file:dist/copy.whl',
      'directory:empty',
    ]);
    // Identical content is stored once.
    const blobs = await readdir(path.join(storeRoot, 'blobs'), { recursive: true });
    expect(blobs.filter((item) => item.length > 60)).toHaveLength(2);

    const target = path.join(temp, 'out');
    const result = await downloadArtifact({ storeRoot, name: 'drop', targetPath: target });
    expect(result).toEqual({ files: 3, bytes: 28, links: 1 });
    expect(await readFile(path.join(target, 'dist/copy.whl'), 'utf8')).toBe('wheel');
    expect((await stat(path.join(target, 'bin/run.sh'))).mode & 0o777).toBe(0o755);
    expect(await readlink(path.join(target, 'bin/latest.whl'))).toBe('../dist/a.whl');
    expect(await readFile(path.join(target, 'bin/latest.whl'), 'utf8')).toBe('wheel');
    expect((await stat(path.join(target, 'empty'))).isDirectory()).toBe(true);
    expect((await stat(path.join(target, 'empty'))).mode & 0o777).toBe(0o750);
  });

  it('publishes a single file', async () => {
    await writeTree({ 'report.html': '<html/>' });
    await publishArtifact({ storeRoot, name: 'report', sourcePath: path.join(source, 'report.html') });
    await downloadArtifact({ storeRoot, name: 'report', targetPath: path.join(temp, 'out') });
    expect(await readFile(path.join(temp, 'out/report.html'), 'utf8')).toBe('<html/>');
  });

  it('downloads only matching items', async () => {
    await writeTree({ 'a/x.whl': '1', 'a/x.tar.gz': '2', 'b/y.whl': '3' });
    await publishArtifact({ storeRoot, name: 'dist', sourcePath: source });
    const target = path.join(temp, 'out');
    const result = await downloadArtifact({ storeRoot, name: 'dist', targetPath: target, patterns: '**/*.whl\n!b/**' });
    expect(result.files).toBe(1);
    expect(await readdir(target, { recursive: true })).toEqual(['a', 'a/x.whl']);
  });

  it('converts an absolute link inside to relative', async () => {
    await writeTree({ 'lib/real.txt': 'r' });
    await symlink(path.join(source, 'lib/real.txt'), path.join(source, 'alias.txt'));
    const manifest = await publishArtifact({ storeRoot, name: 'abs', sourcePath: source });
    expect(manifest.entries.find((entry) => entry.path === 'alias.txt')).toEqual({ type: 'link', path: 'alias.txt', target: 'lib/real.txt' });
  });

  it('streams a large file', async () => {
    const chunk = Buffer.alloc(1024 * 1024, 7);
    const big = path.join(source, 'big.bin');
    await writeFile(big, Buffer.concat(Array.from({ length: 24 }, () => chunk)));
    const manifest = await publishArtifact({ storeRoot, name: 'big', sourcePath: source });
    const entry = manifest.entries[0];
    expect(entry?.type === 'file' ? entry.size : 0).toBe(24 * 1024 * 1024);
    await downloadArtifact({ storeRoot, name: 'big', targetPath: path.join(temp, 'out') });
    const copied = await readFile(path.join(temp, 'out/big.bin'));
    expect(createHash('sha256').update(copied).digest('hex')).toBe(entry?.type === 'file' ? entry.sha256 : '');
  });

  it('handles a thousand small files', async () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 1000; index += 1) files[`d${index % 20}/f${index}.txt`] = `content ${index % 500}`;
    await writeTree(files);
    const manifest = await publishArtifact({ storeRoot, name: 'many', sourcePath: source });
    expect(manifest.entries.filter((entry) => entry.type === 'file')).toHaveLength(1000);
    const result = await downloadArtifact({ storeRoot, name: 'many', targetPath: path.join(temp, 'out') });
    expect(result.files).toBe(1000);
    expect(await readFile(path.join(temp, 'out/d7/f507.txt'), 'utf8')).toBe('content 7');
  });

  it('lists artifacts of the run', async () => {
    expect(await listArtifacts(storeRoot)).toEqual([]);
    await writeTree({ 'a.txt': 'aaa', 'b.txt': 'bb' });
    await publishArtifact({ storeRoot, name: 'zeta', sourcePath: source });
    await publishArtifact({ storeRoot, name: 'alpha', sourcePath: path.join(source, 'a.txt') });
    const listed = await listArtifacts(storeRoot);
    expect(listed.map((item) => [item.name, item.files, item.bytes])).toEqual([
      ['alpha', 1, 3],
      ['zeta', 2, 5],
    ]);
  });
});

describe('artifact errors', () => {
  it('rejects bad names', () => {
    for (const name of ['..', 'a/../b', 'a/b', 'a\\b', '', ' drop', 'x:y', '/abs']) {
      expect(() => validateArtifactName(name), name).toThrowError(ArtifactError);
    }
    expect(() => validateArtifactName('wheels-py3.12_linux')).not.toThrow();
  });

  it('rejects a name with ..', async () => {
    await writeTree({ 'a.txt': 'a' });
    expect(await codeOf(publishArtifact({ storeRoot, name: '../escape', sourcePath: source }))).toBe(ArtifactErrorCode.InvalidArtifactName);
    expect(await codeOf(downloadArtifact({ storeRoot, name: '..', targetPath: temp }))).toBe(ArtifactErrorCode.InvalidArtifactName);
  });

  it('rejects a link leaving the artifact', async () => {
    await writeFile(path.join(temp, 'outside.txt'), 'secret');
    await writeTree({ 'ok.txt': 'ok' });
    await symlink('../outside.txt', path.join(source, 'leak.txt'));
    await symlink('/etc/passwd', path.join(source, 'passwd'));
    const error = await publishArtifact({ storeRoot, name: 'leaky', sourcePath: source }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ArtifactError);
    expect((error as ArtifactError).code).toBe(ArtifactErrorCode.LinkOutsideArtifact);
    expect((error as ArtifactError).message).toContain("'leak.txt'");
    expect((error as ArtifactError).message).toContain("'passwd'");
    expect(await listArtifacts(storeRoot)).toEqual([]);
  });

  it('detects a corrupted blob on download', async () => {
    await writeTree({ 'data.txt': 'original content' });
    const manifest = await publishArtifact({ storeRoot, name: 'data', sourcePath: source });
    const entry = manifest.entries[0];
    const blob = blobPath(storeRoot, entry?.type === 'file' ? entry.sha256 : '');
    await writeFile(blob, 'tampered content');

    const target = path.join(temp, 'out');
    expect(await codeOf(downloadArtifact({ storeRoot, name: 'data', targetPath: target }))).toBe(ArtifactErrorCode.BlobCorrupted);
    // Neither the file nor a partial copy is left behind.
    expect(await readdir(target)).toEqual([]);
  });

  it('detects a missing blob', async () => {
    await writeTree({ 'data.txt': 'x' });
    const manifest = await publishArtifact({ storeRoot, name: 'data', sourcePath: source });
    const entry = manifest.entries[0];
    await rm(blobPath(storeRoot, entry?.type === 'file' ? entry.sha256 : ''));
    expect(await codeOf(downloadArtifact({ storeRoot, name: 'data', targetPath: path.join(temp, 'out') }))).toBe(ArtifactErrorCode.BlobMissing);
  });

  it('rejects a tampered manifest path', async () => {
    await writeTree({ 'data.txt': 'x' });
    await publishArtifact({ storeRoot, name: 'data', sourcePath: source });
    const manifestFile = path.join(storeRoot, 'artifacts', 'data.json');
    const manifest = JSON.parse(await readFile(manifestFile, 'utf8')) as { entries: { path: string }[] };
    manifest.entries[0]!.path = '../../evil.txt';
    await writeFile(manifestFile, JSON.stringify(manifest));
    expect(await codeOf(downloadArtifact({ storeRoot, name: 'data', targetPath: path.join(temp, 'out') }))).toBe(ArtifactErrorCode.UnsafeEntryPath);
    expect(await lstat(path.join(temp, 'evil.txt')).catch(() => undefined)).toBeUndefined();
  });

  it('rejects publishing a name twice', async () => {
    await writeTree({ 'a.txt': 'a' });
    await publishArtifact({ storeRoot, name: 'once', sourcePath: source });
    expect(await codeOf(publishArtifact({ storeRoot, name: 'once', sourcePath: source }))).toBe(ArtifactErrorCode.ArtifactExists);
  });

  it('reports missing source and artifact', async () => {
    expect(await codeOf(publishArtifact({ storeRoot, name: 'x', sourcePath: path.join(temp, 'nope') }))).toBe(ArtifactErrorCode.SourceNotFound);
    expect(await codeOf(downloadArtifact({ storeRoot, name: 'x', targetPath: temp }))).toBe(ArtifactErrorCode.ArtifactNotFound);
  });

  it('stops when the signal aborts', async () => {
    await writeTree({ 'a.txt': 'a' });
    const controller = new AbortController();
    controller.abort(new Error('cancelled by user'));
    await expect(publishArtifact({ storeRoot, name: 'x', sourcePath: source, signal: controller.signal })).rejects.toThrow('cancelled by user');
  });
});
