import { rm, stat } from 'node:fs/promises';
import { createCacheArchive } from './cache-archive.js';
import { CacheErrorCode } from './cache-error-codes.js';
import { CacheError } from './cache-error.js';
import type { LocalCacheStore } from './local-cache-store.js';

/** Inputs of {@link saveCache}; the key is already resolved by computeCacheKey. */
export interface SaveCacheOptions {
  store: LocalCacheStore;
  key: string;
  /** Absolute cache path, checked by resolveCachePath. */
  sourcePath: string;
  signal?: AbortSignal;
}

/** Outcome of a save: `saved` false means the key already existed or the archive exceeded the store's limit. */
export interface SaveCacheResult {
  saved: boolean;
  sizeBytes: number;
}

/**
 * Archives `sourcePath` and stores it under `key`. Call it only when
 * shouldSaveCache allows. Throws CacheError CCH005 when the path does not exist.
 */
export async function saveCache(options: SaveCacheOptions): Promise<SaveCacheResult> {
  if ((await stat(options.sourcePath).catch(() => undefined)) === undefined) {
    throw new CacheError(
      CacheErrorCode.CachePathNotFound,
      `cache path '${options.sourcePath}' does not exist, so there is nothing to save`,
      'check that the job writes its cache to the `path` given to Cache@2',
    );
  }

  const archive = await options.store.temporaryArchivePath();
  try {
    const kind = await createCacheArchive(options.sourcePath, archive, options.signal);
    const sizeBytes = (await stat(archive)).size;
    const saved = await options.store.add(options.key, kind, archive);
    return { saved, sizeBytes };
  } finally {
    await rm(archive, { force: true });
  }
}
