import { existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { WORKER_MIN_OPERATIONS, fileBatchThread, runFileBatch, runFileOperations, startFileBatchWorker, type FileOperation } from '../../src/runner/file-batch.js';
import { cleanupTempDirs, makeTempDir } from './runner-test-helpers.js';

afterEach(cleanupTempDirs);

/** Returns WORKER_MIN_OPERATIONS operations: a folder, then files f0, f1, … in it. */
function largeBatch(root: string): FileOperation[] {
  const folder = join(root, 'x');
  const writes: FileOperation[] = [{ kind: 'mkdir', path: folder }];
  for (let index = 0; writes.length < WORKER_MIN_OPERATIONS; index += 1) writes.push({ kind: 'write', path: join(folder, `f${index}`), content: String(index) });
  return writes;
}

/** Waits until large batches go to the worker rather than run on the calling thread. */
async function workerOnline(): Promise<void> {
  expect(await startFileBatchWorker()).toBe(true);
}

describe('runFileBatch', () => {
  it('runs large batches here until online', async () => {
    const root = makeTempDir();
    const writes = largeBatch(root);
    // Nothing has started the worker in this file yet, so this batch runs here (and starts it).
    expect(fileBatchThread([writes])).toBe('caller');
    const [group] = await runFileBatch([writes]);
    expect(group?.results).toHaveLength(WORKER_MIN_OPERATIONS);
    expect(readFileSync(join(root, 'x', 'f0'), 'utf8')).toBe('0');
  });

  it('runs large batches on the worker', async () => {
    await workerOnline();
    const root = makeTempDir();
    const writes = largeBatch(root);
    expect(fileBatchThread([writes])).toBe('worker');
    const [group] = await runFileBatch([writes]);
    expect(group?.error).toBeUndefined();
    expect(group?.results.every((result) => result === 'done')).toBe(true);
    expect(readFileSync(join(root, 'x', `f${WORKER_MIN_OPERATIONS - 2}`), 'utf8')).toBe(String(WORKER_MIN_OPERATIONS - 2));
  });

  it('reports a failure from the worker', async () => {
    await workerOnline();
    const root = makeTempDir();
    const writes = largeBatch(root);
    writes[10] = { kind: 'write', path: join(root, 'missing-folder', 'f'), content: 'x' };
    expect(fileBatchThread([writes])).toBe('worker');
    const [group] = await runFileBatch([writes]);
    expect(group?.results).toHaveLength(10);
    expect(group?.error).toMatchObject({ index: 10, code: 'ENOENT' });
  });

  it('runs small batches here while online', async () => {
    await workerOnline();
    const root = makeTempDir();
    const small = [{ kind: 'mkdir' as const, path: join(root, 'x', 'y') }, { kind: 'write' as const, path: join(root, 'x', 'y', 'f'), content: 'here' }];
    expect(fileBatchThread([small])).toBe('caller');
    const [group] = await runFileBatch([small]);
    expect(group).toEqual({ results: ['done', 'done'] });
    expect(readFileSync(join(root, 'x', 'y', 'f'), 'utf8')).toBe('here');
  });

  it('creates folders, writes and copies files, in order', async () => {
    await workerOnline();
    const root = makeTempDir();
    writeFileSync(join(root, 'source.txt'), 'source');
    const [group] = await runFileBatch([
      [
        { kind: 'mkdir', path: join(root, 'a', 'b', 'c') },
        { kind: 'write', path: join(root, 'a', 'b', 'c', 'note.txt'), content: 'hello' },
        { kind: 'copy', from: join(root, 'source.txt'), to: join(root, 'a', 'copy.txt') },
      ],
    ]);
    expect(group).toEqual({ results: ['done', 'done', 'done'] });
    expect(readFileSync(join(root, 'a', 'b', 'c', 'note.txt'), 'utf8')).toBe('hello');
    expect(readFileSync(join(root, 'a', 'copy.txt'), 'utf8')).toBe('source');
  });

  it('stops a group at its first failure and still runs the next group', async () => {
    await workerOnline();
    const root = makeTempDir();
    const [failed, next] = await runFileBatch([
      [
        { kind: 'write', path: join(root, 'first.txt'), content: '1' },
        { kind: 'write', path: join(root, 'missing-folder', 'x.txt'), content: '2' },
        { kind: 'write', path: join(root, 'never.txt'), content: '3' },
      ],
      [{ kind: 'write', path: join(root, 'next.txt'), content: '4' }],
    ]);
    expect(failed?.results).toEqual(['done']);
    expect(failed?.error).toMatchObject({ index: 1, code: 'ENOENT' });
    expect(existsSync(join(root, 'first.txt'))).toBe(true);
    expect(existsSync(join(root, 'never.txt'))).toBe(false);
    expect(next).toEqual({ results: ['done'] });
  });

  it('copies entries: files, symlinks as links, and reports folders and missing paths', async () => {
    await workerOnline();
    const source = makeTempDir();
    const target = makeTempDir();
    writeFileSync(join(source, 'file.txt'), 'content');
    symlinkSync('file.txt', join(source, 'link'));
    mkdirSync(join(source, 'folder'));
    const entry = (name: string, folder = target) => ({ kind: 'copyEntry' as const, from: join(source, name), to: join(folder, name), toFolder: folder });
    const nested = join(target, 'deep', 'er');
    const [group] = await runFileBatch([[entry('file.txt', nested), entry('link'), entry('folder'), entry('gone')]]);
    expect(group?.results).toEqual(['copied', 'copied', 'folder', 'missing']);
    expect(readFileSync(join(nested, 'file.txt'), 'utf8')).toBe('content');
    expect(lstatSync(join(target, 'link')).isSymbolicLink()).toBe(true);
    expect(readlinkSync(join(target, 'link'))).toBe('file.txt');
    expect(existsSync(join(target, 'folder'))).toBe(false);
  });

  it('runFileOperations throws the error that stopped the group, with its code', async () => {
    const root = makeTempDir();
    writeFileSync(join(root, 'file'), 'x');
    // A folder cannot be made below a file.
    await expect(runFileOperations([{ kind: 'mkdir', path: join(root, 'file', 'sub') }])).rejects.toMatchObject({ code: 'ENOTDIR' });
  });
});
