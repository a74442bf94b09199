import path from 'node:path';
import { CacheErrorCode } from './cache-error-codes.js';
import { CacheError } from './cache-error.js';

/**
 * Resolves the `path` input of Cache@2 against `workingDirectory` (relative
 * paths resolve against `System.DefaultWorkingDirectory`, per Azure's caching
 * docs) and throws CacheError CCH001 when the result is outside
 * `workspaceRoot`. The check is on the text of the path.
 */
export function resolveCachePath(cachePath: string, workingDirectory: string, workspaceRoot: string): string {
  const resolved = path.resolve(workingDirectory, cachePath.trim());
  const relative = path.relative(path.resolve(workspaceRoot), resolved);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new CacheError(
      CacheErrorCode.PathOutsideWorkspace,
      `cache path '${cachePath}' resolves to '${resolved}', which is not inside the workspace '${workspaceRoot}'`,
      'cache a folder inside $(Pipeline.Workspace), for example $(Pipeline.Workspace)/.pip, and point the tool at it',
    );
  }
  return resolved;
}
