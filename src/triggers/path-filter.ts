import { compilePathPattern } from './wildcard-pattern.js';

/** An include/exclude list of repository paths, as written in the YAML. */
export interface PathFilter {
  include: string[];
  exclude: string[];
}

/** True when the filter names at least one path. */
export function isPathFilterSet(filter: PathFilter | undefined): filter is PathFilter {
  return filter !== undefined && (filter.include.length > 0 || filter.exclude.length > 0);
}

/**
 * Returns the changed paths that the filter selects. The rules come from
 * learn.microsoft.com/azure/devops/pipelines/repos/azure-repos-git#paths:
 * paths are relative to the repository root and case-sensitive, no include
 * list means the whole repository, order does not matter, and an excluded
 * folder can be re-included only by a deeper path. Sluice reads the last rule
 * as "the most specific matching pattern decides", with exclude winning a tie.
 * A pattern matches a file when it matches the file's path or one of its
 * parent folders, so `docs` and `docs/*` both select `docs/a/b.md`.
 */
export function selectPaths(filter: PathFilter, changedPaths: readonly string[]): string[] {
  const include = filter.include.length === 0 ? [''] : filter.include;
  const includes = include.map(compileRule);
  const excludes = filter.exclude.map(compileRule);

  return changedPaths.filter((path) => {
    const candidates = folderChain(normalizePath(path));
    const bestInclude = mostSpecific(includes, candidates);
    if (bestInclude === undefined) return false;
    const bestExclude = mostSpecific(excludes, candidates);
    return bestExclude === undefined || compareSpecificity(bestInclude, bestExclude) > 0;
  });
}

interface PathRule {
  matches: (path: string) => boolean;
  depth: number;
  length: number;
}

function compileRule(pattern: string): PathRule {
  const normalized = normalizePath(pattern);
  if (normalized === '') return { matches: () => true, depth: 0, length: 0 };

  const expression = compilePathPattern(normalized);
  return { matches: (path) => expression.test(path), depth: normalized.split('/').length, length: normalized.length };
}

function mostSpecific(rules: PathRule[], candidates: string[]): PathRule | undefined {
  let best: PathRule | undefined;
  for (const rule of rules) {
    if (!candidates.some(rule.matches)) continue;
    if (best === undefined || compareSpecificity(rule, best) > 0) best = rule;
  }
  return best;
}

function compareSpecificity(left: PathRule, right: PathRule): number {
  return left.depth !== right.depth ? left.depth - right.depth : left.length - right.length;
}

/** `a/b/c.txt` → [`a`, `a/b`, `a/b/c.txt`]. */
function folderChain(path: string): string[] {
  const parts = path.split('/');
  return parts.map((_, index) => parts.slice(0, index + 1).join('/'));
}

/** Strips the leading and trailing `/` that the docs' examples write (`/tools`). */
function normalizePath(path: string): string {
  return path.replace(/^\/+/, '').replace(/\/+$/, '');
}
