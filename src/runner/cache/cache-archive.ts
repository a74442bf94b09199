import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { create, extract } from 'tar';

/** Kind of a cache archive's content: the contents of a folder, or one file. */
export type CacheArchiveKind = 'directory' | 'file';

/**
 * Writes a gzip-compressed tar of `sourcePath` to `archiveFile` and returns
 * whether it held a folder's contents or a single file. Entries are relative
 * (`./…` for a folder, the base name for a file), so extraction cannot write
 * outside its target.
 * NOTE: `tar` has no AbortSignal; cancellation is checked before and after.
 */
export async function createCacheArchive(sourcePath: string, archiveFile: string, signal?: AbortSignal): Promise<CacheArchiveKind> {
  signal?.throwIfAborted();
  const sourceStat = await stat(sourcePath);
  const kind: CacheArchiveKind = sourceStat.isDirectory() ? 'directory' : 'file';
  const cwd = kind === 'directory' ? sourcePath : path.dirname(sourcePath);
  const entries = kind === 'directory' ? ['.'] : [path.basename(sourcePath)];

  await create({ gzip: true, file: archiveFile, cwd, portable: true }, entries);
  signal?.throwIfAborted();
  return kind;
}

/**
 * Extracts a cache archive to `targetPath`: a folder archive into the folder,
 * a file archive next to it. Existing files are overwritten. `tar` rejects
 * absolute and `..` entry paths and does not write through symbolic links.
 */
export async function extractCacheArchive(
  archiveFile: string,
  targetPath: string,
  kind: CacheArchiveKind,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const cwd = kind === 'directory' ? targetPath : path.dirname(targetPath);
  await mkdir(cwd, { recursive: true });
  await extract({ file: archiveFile, cwd, strict: true });
  signal?.throwIfAborted();
}
