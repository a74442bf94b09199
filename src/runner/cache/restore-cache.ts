import { stat } from 'node:fs/promises';
import { extractCacheArchive } from './cache-archive.js';
import { CacheErrorCode } from './cache-error-codes.js';
import { CacheError } from './cache-error.js';
import type { LocalCacheStore } from './local-cache-store.js';

/**
 * Value of the `cacheHitVar` variable of Cache@2: `true` for an exact key hit,
 * `inexact` for a restore-key hit, `false` for a miss.
 * Source: learn.microsoft.com/azure/devops/pipelines/release/caching
 */
export type CacheHitValue = 'true' | 'inexact' | 'false';

/** Inputs of {@link restoreCache}; keys are already resolved by computeCacheKey. */
export interface RestoreCacheOptions {
  store: LocalCacheStore;
  key: string;
  restoreKeys?: readonly string[];
  /** Absolute cache path, checked by resolveCachePath. */
  targetPath: string;
  signal?: AbortSignal;
}

/** Outcome of a restore. */
export interface RestoreCacheResult {
  cacheHit: CacheHitValue;
  /** Key of the entry that was restored, when one was. */
  restoredKey?: string;
}

/**
 * Restores the entry for `key`, or the newest entry matching the first restore
 * key prefix that matches, into `targetPath`, and marks it as recently used.
 * Throws CacheError CCH006 when the entry's archive is missing or broken.
 */
export async function restoreCache(options: RestoreCacheOptions): Promise<RestoreCacheResult> {
  const found = await options.store.lookup(options.key, options.restoreKeys ?? []);
  if (found === undefined) return { cacheHit: 'false' };

  const archive = options.store.archivePath(found.entry.key);
  if ((await stat(archive).catch(() => undefined)) === undefined) {
    throw new CacheError(CacheErrorCode.EntryDamaged, `cache entry '${found.entry.key}' has no archive`, 'delete the cache folder; the next successful run saves the entry again');
  }
  try {
    await extractCacheArchive(archive, options.targetPath, found.entry.kind, options.signal);
  } catch (error) {
    if (options.signal?.aborted) throw error;
    throw new CacheError(
      CacheErrorCode.EntryDamaged,
      `cache entry '${found.entry.key}' could not be extracted: ${(error as Error).message}`,
      'delete the cache folder; the next successful run saves the entry again',
    );
  }

  await options.store.touch(found.entry);
  return { cacheHit: found.exact ? 'true' : 'inexact', restoredKey: found.entry.key };
}
