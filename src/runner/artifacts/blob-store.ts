import { createHash, randomUUID } from 'node:crypto';
import { closeSync, constants, mkdirSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { writeAllSync } from './sync-file-io.js';

/**
 * Files up to this size, in bytes, are read whole with synchronous calls
 * instead of being copied in pieces, because for small files a thread-pool
 * round trip per call costs more than the call itself. One buffer of this
 * size is reused per publish or download.
 */
export const SMALL_FILE_BYTES = 1024 * 1024;

/** Returns the path of the blob with this SHA-256 (hex) under `storeRoot`. */
export function blobPath(storeRoot: string, sha256: string): string {
  return path.join(storeRoot, 'blobs', sha256.slice(0, 2), sha256);
}

/**
 * Size, in bytes, of each read and write when copying a large blob. Three
 * pieces per copy are in memory at once. On a 2-core Xeon VM with Node 20,
 * copying and hashing 500 MiB took about 0.52 s with 256 or 512 KiB pieces
 * but 0.9 to 1.6 s with 2 MiB pieces. A likely cause is that a piece larger
 * than the CPU cache is read back from memory for the write. Smaller pieces
 * cost more thread-pool round trips.
 */
const COPY_CHUNK_BYTES = 512 * 1024;

/** Result of copying a file through a hash. */
export interface HashedCopy {
  sha256: string;
  size: number;
}

/**
 * Copies `source` into `destination` and returns the SHA-256 and size of the
 * bytes written, reading each byte once. Reading the next piece and writing
 * the previous one run on the thread pool while the main thread hashes the
 * current piece, so hashing overlaps the disk work. The file is never held in
 * memory whole. `destination` is created with mode 0600 and must not exist.
 */
export async function copyWithHash(source: string, destination: string, signal?: AbortSignal): Promise<HashedCopy> {
  signal?.throwIfAborted();
  const hash = createHash('sha256');
  const input = await open(source, constants.O_RDONLY);
  // Reads and writes still running when an error leaves the loop; they settle before the files close.
  let pendingRead: Promise<unknown> = Promise.resolve();
  let pendingWrite: Promise<unknown> = Promise.resolve();
  try {
    const output = await open(destination, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      // Three rotating buffers: one being read, one being hashed, one being written.
      const buffers = [Buffer.allocUnsafe(COPY_CHUNK_BYTES), Buffer.allocUnsafe(COPY_CHUNK_BYTES), Buffer.allocUnsafe(COPY_CHUNK_BYTES)];
      let size = 0;
      let turn = 0;
      let current = (await input.read(buffers[0] as Buffer, 0, COPY_CHUNK_BYTES, null)).bytesRead;

      while (current > 0) {
        signal?.throwIfAborted();
        const piece = (buffers[turn % 3] as Buffer).subarray(0, current);
        const nextRead = input.read(buffers[(turn + 1) % 3] as Buffer, 0, COPY_CHUNK_BYTES, null);
        pendingRead = nextRead.catch(() => undefined);
        hash.update(piece);
        // At most one write is in flight, so the buffer the next turn reads into is no longer being written.
        await pendingWrite;
        const write = output.write(piece, 0, piece.length, size);
        pendingWrite = write;
        write.catch(() => undefined);
        size += current;
        current = (await nextRead).bytesRead;
        turn += 1;
      }

      await pendingWrite;
      return { sha256: hash.digest('hex'), size };
    } finally {
      await Promise.allSettled([pendingRead, pendingWrite]);
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/**
 * Stores the content of a large `file` as a blob and returns its hash and
 * size. The bytes go to a temporary file that is renamed into place, so a
 * blob path never contains a partial file. The server and agents rely on
 * this, because they take an existing blob path as complete. An existing blob
 * with the same hash and size is kept and the copy is dropped.
 */
export async function storeBlob(storeRoot: string, file: string, signal?: AbortSignal): Promise<HashedCopy> {
  const temporary = temporaryBlobPath(storeRoot);
  try {
    const copy = await copyWithHash(file, temporary, signal);
    const destination = blobPath(storeRoot, copy.sha256);
    const existing = await stat(destination).catch(() => undefined);
    if (existing?.size === copy.size) {
      await rm(temporary, { force: true });
    } else {
      await moveIntoPlace(temporary, destination);
    }
    return copy;
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/**
 * Stores `content`, whose SHA-256 is `sha256`, as a blob with synchronous
 * calls, with the same temporary-file-and-rename guarantee as
 * {@link storeBlob}. Content already in the store is not written again.
 */
export function storeBlobContentSync(storeRoot: string, sha256: string, content: Uint8Array): void {
  const destination = blobPath(storeRoot, sha256);
  const existing = statSync(destination, { throwIfNoEntry: false });
  if (existing?.size === content.length) return;

  const temporary = temporaryBlobPath(storeRoot);
  try {
    const descriptor = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
    try {
      writeAllSync(descriptor, content);
    } finally {
      closeSync(descriptor);
    }
    moveIntoPlaceSync(temporary, destination);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

/** Creates the store's temporary folder, which {@link storeBlob} and {@link storeBlobContentSync} write into. */
export async function prepareBlobStore(storeRoot: string): Promise<void> {
  await mkdir(path.join(storeRoot, 'tmp'), { recursive: true });
}

function temporaryBlobPath(storeRoot: string): string {
  return path.join(storeRoot, 'tmp', randomUUID());
}

/**
 * Moves a finished temporary file to its blob path. The blob's folder is
 * created only when the first rename finds it missing, which saves a system
 * call per file when most folders already exist.
 */
async function moveIntoPlace(temporary: string, destination: string): Promise<void> {
  try {
    await rename(temporary, destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    await mkdir(path.dirname(destination), { recursive: true });
    await rename(temporary, destination);
  }
}

/** Synchronous form of {@link moveIntoPlace}. */
function moveIntoPlaceSync(temporary: string, destination: string): void {
  try {
    renameSync(temporary, destination);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    mkdirSync(path.dirname(destination), { recursive: true });
    renameSync(temporary, destination);
  }
}
