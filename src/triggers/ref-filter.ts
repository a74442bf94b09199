import { compileRefPattern } from './wildcard-pattern.js';

/** An include/exclude list of branch or tag patterns, as written in the YAML. */
export interface RefFilter {
  include: string[];
  exclude: string[];
}

/** The kind of ref that a pattern without a `refs/` prefix names: a branch or a tag. */
export type RefKind = 'branch' | 'tag';

const PREFIX: Record<RefKind, string> = { branch: 'refs/heads/', tag: 'refs/tags/' };

/**
 * Expands a filter pattern to a full ref pattern: `main` → `refs/heads/main`,
 * `v2.*` in a tag filter → `refs/tags/v2.*`. A pattern that already starts with
 * `refs/` (such as `refs/tags/v1` in a branch list) is used as written.
 */
export function toFullRefPattern(pattern: string, kind: RefKind): string {
  return pattern.startsWith('refs/') ? pattern : `${PREFIX[kind]}${pattern}`;
}

/** Turns `main` into `refs/heads/main`; a full ref is returned unchanged. */
export function toFullBranchRef(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

/**
 * Applies a filter to a full ref: includes first, then excludes removed, and an
 * exclude list without includes means `include: ['*']`
 * (learn.microsoft.com/azure/devops/pipelines/yaml-schema/trigger). An empty
 * filter matches nothing.
 */
export function matchRefFilter(filter: RefFilter, ref: string, kind: RefKind): boolean {
  const include = filter.include.length === 0 && filter.exclude.length > 0 ? ['*'] : filter.include;
  const matches = (pattern: string): boolean => compileRefPattern(toFullRefPattern(pattern, kind)).test(ref);

  if (!include.some(matches)) return false;
  return !filter.exclude.some(matches);
}

/** True when the filter names at least one pattern. */
export function isRefFilterSet(filter: RefFilter | undefined): filter is RefFilter {
  return filter !== undefined && (filter.include.length > 0 || filter.exclude.length > 0);
}
