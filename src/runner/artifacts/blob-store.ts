import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * Files up to this size, in bytes, are read whole instead of streamed: for
 * small files the stream setup costs more than the copy. With the default
 * pool of 16 this keeps at most 16 MiB of file data in memory.
 */
export const SMALL_FILE_BYTES = 1024 * 1024;

/** Returns the path of the blob with this SHA-256 (hex) under `storeRoot`. */
export function blobPath(storeRoot: string, sha256: string): string {
  return path.join(storeRoot, 'blobs', sha256.slice(0, 2), sha256);
}

/**
 * Read size, in bytes, when streaming a large blob. Node's default of 64 KiB
 * costs one thread-pool round trip per 64 KiB; 1 MiB pieces cut those 16-fold.
 */
const STREAM_CHUNK_BYTES = 1024 * 1024;

/** Result of streaming a file through a hash. */
export interface HashedCopy {
  sha256: string;
  size: number;
}

/**
 * Streams `source` into `destination` and returns the SHA-256 and size of the
 * bytes written. The file is never held in memory whole.
 */
export async function copyWithHash(source: string, destination: string, signal?: AbortSignal): Promise<HashedCopy> {
  const hash = createHash('sha256');
  let size = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      size += chunk.length;
      callback(null, chunk);
    },
  });
  await pipeline(createReadStream(source, { highWaterMark: STREAM_CHUNK_BYTES }), tap, createWriteStream(destination, { mode: 0o600 }), { signal });
  return { sha256: hash.digest('hex'), size };
}

/**
 * Stores the content of `file` as a blob and returns its hash and size. The
 * bytes go to a temporary file that is renamed into place, so a blob path
 * never contains a partial file. An existing blob with the same hash is kept
 * and the copy is dropped.
 */
export async function storeBlob(storeRoot: string, file: string, size: number, signal?: AbortSignal): Promise<HashedCopy> {
  const temporary = path.join(storeRoot, 'tmp', randomUUID());
  if (size <= SMALL_FILE_BYTES) return storeSmallBlob(storeRoot, file, temporary, signal);

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

/** Stores a small file from memory; content already in the store is not written again. */
async function storeSmallBlob(storeRoot: string, file: string, temporary: string, signal?: AbortSignal): Promise<HashedCopy> {
  const content = await readFile(file, { signal });
  const sha256 = createHash('sha256').update(content).digest('hex');
  const destination = blobPath(storeRoot, sha256);
  const existing = await stat(destination).catch(() => undefined);
  if (existing?.size !== content.length) {
    await writeFile(temporary, content, { mode: 0o600 });
    await moveIntoPlace(temporary, destination);
  }
  return { sha256, size: content.length };
}

/** Creates the store's temporary folder, which {@link storeBlob} writes into. */
export async function prepareBlobStore(storeRoot: string): Promise<void> {
  await mkdir(path.join(storeRoot, 'tmp'), { recursive: true });
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
