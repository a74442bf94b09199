import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, openSync } from 'node:fs';
import path from 'node:path';
import { ArtifactErrorCode } from './artifact-error-codes.js';
import { ArtifactError } from './artifact-error.js';
import type { ManifestFileEntry } from './artifact-manifest.js';
import { SMALL_FILE_BYTES, storeBlobContentSync } from './blob-store.js';
import { EventLoopBudget } from './event-loop-budget.js';
import { readUpToSync } from './sync-file-io.js';

/**
 * Flags for opening a file to publish. With O_NOFOLLOW, a file replaced by a
 * link after listing fails to open instead of being followed. With
 * O_NONBLOCK, opening a file replaced by a FIFO does not block the thread,
 * and the FIFO is then rejected as a special file. Both flags are 0 where the
 * platform lacks them.
 */
const PUBLISH_OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

/**
 * Stores the files of `entries` (paths relative to `root`) that are at most
 * {@link SMALL_FILE_BYTES}, and fills in their hash, size and mode. Each file
 * costs one open, fstat, read and close, and a new blob costs one stat, open,
 * write, close and rename. The calls are synchronous because for small files
 * a thread-pool round trip costs more than the call. The loop yields to the
 * event loop between slices (see {@link EventLoopBudget}).
 *
 * Returns the larger entries, with only their mode filled in, for the
 * streaming path. Throws ArtifactError ART010 when a file turned into a
 * special file after listing, and the system error when a file vanished.
 */
export async function storeSmallFiles(
  storeRoot: string,
  root: string,
  entries: readonly ManifestFileEntry[],
  signal?: AbortSignal,
): Promise<ManifestFileEntry[]> {
  const buffer = Buffer.allocUnsafe(SMALL_FILE_BYTES);
  const budget = new EventLoopBudget();
  const large: ManifestFileEntry[] = [];

  for (const entry of entries) {
    signal?.throwIfAborted();
    const descriptor = openSync(path.join(root, ...entry.path.split('/')), PUBLISH_OPEN_FLAGS);
    let length: number;
    try {
      const fileStat = fstatSync(descriptor);
      if (!fileStat.isFile()) {
        throw new ArtifactError(
          ArtifactErrorCode.UnsupportedFileType,
          `'${entry.path}' stopped being a regular file while it was published`,
          'make sure no step changes the folder while it is being published',
        );
      }
      entry.mode = fileStat.mode & 0o777;
      if (fileStat.size > SMALL_FILE_BYTES) {
        large.push(entry);
        continue;
      }
      // The size from fstat bounds the read, so bytes appended meanwhile are left out and the blob still matches its hash.
      length = readUpToSync(descriptor, buffer, fileStat.size);
    } finally {
      closeSync(descriptor);
    }

    const content = buffer.subarray(0, length);
    const sha256 = createHash('sha256').update(content).digest('hex');
    storeBlobContentSync(storeRoot, sha256, content);
    entry.sha256 = sha256;
    entry.size = length;
    await budget.pauseIfSpent(signal);
  }
  return large;
}
