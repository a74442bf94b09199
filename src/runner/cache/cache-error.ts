import type { CacheErrorCodeValue } from './cache-error-codes.js';

/** A problem with a cache key, path or entry, with a stable code and a hint on how to fix it. */
export class CacheError extends Error {
  constructor(
    readonly code: CacheErrorCodeValue,
    message: string,
    readonly hint: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'CacheError';
  }
}
