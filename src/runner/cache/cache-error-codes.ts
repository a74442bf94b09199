/** Stable codes for problems with pipeline caching (Cache@2). A code is never reused. */
export const CacheErrorCode = {
  /** The cache `path` resolves outside the workspace. */
  PathOutsideWorkspace: 'CCH001',
  /** A key segment names a file that does not exist. */
  KeyFileNotFound: 'CCH002',
  /** A key segment with wildcards matched no file. */
  KeyPatternMatchedNothing: 'CCH003',
  /** The key, or one of its segments, is empty. */
  EmptyKey: 'CCH004',
  /** The cache `path` does not exist when the cache is saved. */
  CachePathNotFound: 'CCH005',
  /** A stored cache entry is missing its archive or cannot be extracted. */
  EntryDamaged: 'CCH006',
} as const;

export type CacheErrorCodeValue = (typeof CacheErrorCode)[keyof typeof CacheErrorCode];
