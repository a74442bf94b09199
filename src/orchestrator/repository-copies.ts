import type { RepositoryResource } from '../language/pipeline/pipeline-model.js';

/**
 * Pairs each `--repository alias=PATH` with the `name` of the repository
 * resource of that alias (aliases compared without case), because a job that
 * checks out several repositories puts each in `s/<last segment of name>`.
 */
export function repositoryCopies(
  paths: Record<string, string>,
  resources: readonly RepositoryResource[],
): Record<string, { path: string; name?: string }> {
  const copies: Record<string, { path: string; name?: string }> = {};
  for (const [alias, path] of Object.entries(paths)) {
    const resource = resources.find((item) => item.alias.toLowerCase() === alias.toLowerCase());
    copies[alias] = resource?.name === undefined ? { path } : { path, name: resource.name };
  }
  return copies;
}
