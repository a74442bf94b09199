import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { findMatchingFiles } from '../test-results/find-matching-files.js';
import { CacheErrorCode } from './cache-error-codes.js';
import { CacheError } from './cache-error.js';

/** Characters that make a key segment a glob pattern. */
const GLOB_CHARACTERS = /[*?[\]]/;

/**
 * Tells whether a key segment names files. Per Azure's caching docs a segment
 * is a plain string, a file path, or a comma-separated list of glob patterns,
 * and quoting a segment keeps it a string. Sluice reads an unquoted segment
 * without white space as a path when it contains `/`, `\`, a glob character,
 * or a `.` that is not its last character (`requirements.txt`, `**\/*.lock`).
 * NOTE: this rule is modelled on Azure's agent; the docs do not state it.
 */
export function isFileKeySegment(segment: string): boolean {
  if (segment.startsWith('"') && segment.endsWith('"')) return false;
  if (/\s/.test(segment) || segment.endsWith('.')) return false;
  return /[/\\.]/.test(segment) || GLOB_CHARACTERS.test(segment);
}

/**
 * Resolves a Cache@2 key. Segments are split by `|` and trimmed. A file
 * segment is replaced by a SHA-256 hex digest: of the file's content for one
 * file, or of each match's relative path and content hash for a pattern list.
 * Plain and quoted segments are kept as written. The result joins segments
 * with `|`, so a resolved restore key is a prefix of the keys it should match.
 *
 * Throws CacheError: CCH004 empty key or segment, CCH002 a named file that
 * does not exist, CCH003 a pattern list that matched nothing.
 * Source: learn.microsoft.com/azure/devops/pipelines/release/caching
 */
export async function computeCacheKey(key: string, workingDirectory: string, signal?: AbortSignal): Promise<string> {
  const segments = key.split('|').map((segment) => segment.trim());
  if (key.trim() === '' || segments.some((segment) => segment === '')) {
    throw new CacheError(CacheErrorCode.EmptyKey, `cache key '${key}' has an empty segment`, 'write the key as segments separated by `|`, for example `pip | "$(Agent.OS)" | requirements.txt`');
  }

  const resolved: string[] = [];
  for (const segment of segments) {
    signal?.throwIfAborted();
    resolved.push(isFileKeySegment(segment) ? await hashFileSegment(segment, workingDirectory, signal) : segment);
  }
  return resolved.join('|');
}

async function hashFileSegment(segment: string, workingDirectory: string, signal?: AbortSignal): Promise<string> {
  const isPatternList = segment.includes(',') || GLOB_CHARACTERS.test(segment);
  if (!isPatternList) {
    const file = path.resolve(workingDirectory, segment);
    const fileStat = await stat(file).catch(() => undefined);
    if (fileStat === undefined || !fileStat.isFile()) {
      throw new CacheError(
        CacheErrorCode.KeyFileNotFound,
        `cache key segment '${segment}' names the file '${file}', which does not exist`,
        'create the file before the Cache@2 step, or quote the segment ("..") to use it as plain text',
      );
    }
    return hashFile(file, signal);
  }

  const patterns = segment.split(',').map((item) => item.trim()).filter((item) => item !== '');
  const files = await findMatchingFiles(patterns, { searchFolder: workingDirectory, signal });
  if (files.length === 0) {
    throw new CacheError(
      CacheErrorCode.KeyPatternMatchedNothing,
      `cache key segment '${segment}' matched no file under '${workingDirectory}'`,
      'check the pattern, or quote the segment ("..") to use it as plain text',
    );
  }

  const combined = createHash('sha256');
  for (const file of files) {
    const relative = path.relative(workingDirectory, file).split(path.sep).join('/');
    combined.update(`${relative}\n${await hashFile(file, signal)}\n`);
  }
  return combined.digest('hex');
}

async function hashFile(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { signal })) hash.update(chunk as Buffer);
  return hash.digest('hex');
}
