import { readSync, writeSync } from 'node:fs';

/**
 * Reads from `descriptor` into `buffer` until `length` bytes are read or the
 * file ends, and returns the count read. One `read` system call usually
 * suffices for a regular file; the loop covers short reads.
 */
export function readUpToSync(descriptor: number, buffer: Buffer, length: number): number {
  let total = 0;
  while (total < length) {
    const count = readSync(descriptor, buffer, total, length - total, null);
    if (count === 0) break;
    total += count;
  }
  return total;
}

/** Writes all of `content` to `descriptor`, repeating the call after a short write. */
export function writeAllSync(descriptor: number, content: Uint8Array): void {
  let written = 0;
  while (written < content.length) {
    written += writeSync(descriptor, content, written, content.length - written);
  }
}
