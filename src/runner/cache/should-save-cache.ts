import type { CacheHitValue } from './restore-cache.js';

/**
 * Decides whether the post-job step of Cache@2 saves the cache: only when the
 * restore did not hit the exact key (a restore-key hit still saves) and the
 * job succeeded. Entries are immutable, so an exact hit never saves.
 * Source: learn.microsoft.com/azure/devops/pipelines/release/caching
 */
export function shouldSaveCache(cacheHit: CacheHitValue, jobSucceeded: boolean): boolean {
  return cacheHit !== 'true' && jobSucceeded;
}
