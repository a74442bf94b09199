import { createHash, randomUUID } from 'node:crypto';
import { closeSync, constants, fchmodSync, openSync, rmSync } from 'node:fs';
import { chmod, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactErrorCode } from './artifact-error-codes.js';
import { ArtifactError } from './artifact-error.js';
import type { ManifestFileEntry } from './artifact-manifest.js';
import { blobPath, copyWithHash, SMALL_FILE_BYTES, type HashedCopy } from './blob-store.js';
import { EventLoopBudget } from './event-loop-budget.js';
import { readUpToSync, writeAllSync } from './sync-file-io.js';

/**
 * Flags for creating a downloaded file. O_EXCL with O_CREAT also fails on a
 * link at that path, so a link placed in the target folder is never followed.
 */
const CREATE_EXCLUSIVE = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL;

/**
 * Writes the entries of at most {@link SMALL_FILE_BYTES} bytes into
 * `targetPath` with synchronous calls, yielding to the event loop between
 * slices, and returns the larger entries for {@link writeLargeVerifiedFile}.
 * Each blob is read into memory and its SHA-256 and size are compared with the
 * entry before the destination is created, so a corrupted blob never appears
 * as a file. An existing file or link at a destination is replaced.
 *
 * Throws ArtifactError ART008 for a missing blob and ART007 for a corrupted one.
 */
export async function writeSmallVerifiedFiles(
  storeRoot: string,
  targetPath: string,
  name: string,
  entries: readonly ManifestFileEntry[],
  signal?: AbortSignal,
): Promise<ManifestFileEntry[]> {
  // One byte more than the largest expected size, so a blob that grew is noticed without a stat.
  const buffer = Buffer.allocUnsafe(SMALL_FILE_BYTES + 1);
  const budget = new EventLoopBudget();
  const large: ManifestFileEntry[] = [];

  for (const entry of entries) {
    signal?.throwIfAborted();
    if (entry.size > SMALL_FILE_BYTES) {
      large.push(entry);
      continue;
    }

    const content = readVerifiedBlobSync(storeRoot, name, entry, buffer);
    writeNewFileSync(path.join(targetPath, ...entry.path.split('/')), content, entry.mode);
    await budget.pauseIfSpent(signal);
  }
  return large;
}

/** Reads the blob of `entry` into `buffer` and returns the bytes after checking their hash and size. */
function readVerifiedBlobSync(storeRoot: string, name: string, entry: ManifestFileEntry, buffer: Buffer): Buffer {
  const source = blobPath(storeRoot, entry.sha256);
  let descriptor: number;
  try {
    // O_NONBLOCK: a FIFO put in place of a blob reads as empty, and so as corrupted, instead of blocking the thread.
    descriptor = openSync(source, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw blobMissing(name, entry);
    throw error;
  }

  let length: number;
  try {
    length = readUpToSync(descriptor, buffer, entry.size + 1);
  } finally {
    closeSync(descriptor);
  }

  const content = buffer.subarray(0, length);
  if (length < entry.size) throw blobCorrupted(name, entry, createHash('sha256').update(content).digest('hex'), length);
  if (length > entry.size) {
    const actual = hashFileSync(source, buffer);
    throw blobCorrupted(name, entry, actual.sha256, actual.size);
  }
  const sha256 = createHash('sha256').update(content).digest('hex');
  if (sha256 !== entry.sha256) throw blobCorrupted(name, entry, sha256, length);
  return content;
}

/** Hashes a whole file in pieces the size of `buffer`, to describe a corrupted blob in its error. */
function hashFileSync(file: string, buffer: Buffer): HashedCopy {
  const hash = createHash('sha256');
  let size = 0;
  const descriptor = openSync(file, constants.O_RDONLY);
  try {
    for (let count = readUpToSync(descriptor, buffer, buffer.length); count > 0; count = readUpToSync(descriptor, buffer, buffer.length)) {
      hash.update(buffer.subarray(0, count));
      size += count;
    }
  } finally {
    closeSync(descriptor);
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Creates `destination` with `content` and exactly `mode`. The mode is set
 * again with fchmod because the umask narrows the mode given to open. A file
 * or link already at the path is removed first, and a file left half-written
 * by a failed write is removed too.
 */
function writeNewFileSync(destination: string, content: Uint8Array, mode: number): void {
  let descriptor: number;
  try {
    descriptor = openSync(destination, CREATE_EXCLUSIVE, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    rmSync(destination, { force: true });
    descriptor = openSync(destination, CREATE_EXCLUSIVE, mode);
  }

  try {
    writeAllSync(descriptor, content);
    fchmodSync(descriptor, mode);
  } catch (error) {
    closeSync(descriptor);
    rmSync(destination, { force: true });
    throw error;
  }
  closeSync(descriptor);
}

/**
 * Writes one large entry. The blob is hashed while it is copied to a
 * temporary file beside the destination, so each byte is read once. The copy
 * is renamed into place only when the SHA-256 and size match, so a corrupted
 * blob never appears as a file.
 *
 * Throws ArtifactError ART008 for a missing blob and ART007 for a corrupted one.
 */
export async function writeLargeVerifiedFile(
  storeRoot: string,
  targetPath: string,
  name: string,
  entry: ManifestFileEntry,
  signal?: AbortSignal,
): Promise<void> {
  const destination = path.join(targetPath, ...entry.path.split('/'));
  const temporary = path.join(path.dirname(destination), `.${path.basename(destination)}.${randomUUID()}.partial`);
  try {
    const copy = await copyWithHash(blobPath(storeRoot, entry.sha256), temporary, signal);
    if (copy.sha256 !== entry.sha256 || copy.size !== entry.size) throw blobCorrupted(name, entry, copy.sha256, copy.size);
    await chmod(temporary, entry.mode);
    await rename(temporary, destination);
  } catch (error) {
    await rm(temporary, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'ENOENT' && (error as NodeJS.ErrnoException).path === blobPath(storeRoot, entry.sha256)) {
      throw blobMissing(name, entry);
    }
    throw error;
  }
}

function blobMissing(name: string, entry: ManifestFileEntry): ArtifactError {
  return new ArtifactError(
    ArtifactErrorCode.BlobMissing,
    `content of '${entry.path}' in artifact '${name}' is missing from the store (blob ${entry.sha256})`,
    'the artifact store was damaged; run the publishing job again',
  );
}

function blobCorrupted(name: string, entry: ManifestFileEntry, sha256: string, size: number): ArtifactError {
  return new ArtifactError(
    ArtifactErrorCode.BlobCorrupted,
    `content of '${entry.path}' in artifact '${name}' is corrupted: expected SHA-256 ${entry.sha256} (${entry.size} bytes), read ${sha256} (${size} bytes)`,
    'the artifact store was damaged; run the publishing job again',
  );
}
