/**
 * Typed reads from a parsed JSON webhook body. A missing or mistyped required
 * field is recorded in `missing`, and the read returns a neutral value, so one
 * pass lists every problem of a payload.
 */
export class PayloadReader {
  readonly missing: string[] = [];

  /** Returns the value at a dotted path (`pull_request.head.sha`) without checking its type. */
  value(root: unknown, path: string): unknown {
    let current: unknown = root;
    for (const part of path.split('.')) {
      if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  }

  /** Reads a required string. */
  string(root: unknown, path: string): string {
    const value = this.value(root, path);
    if (typeof value === 'string') return value;
    this.missing.push(`${path} (a string)`);
    return '';
  }

  /** Reads an optional string. */
  optionalString(root: unknown, path: string): string | undefined {
    const value = this.value(root, path);
    return typeof value === 'string' ? value : undefined;
  }

  /** Reads a required number. */
  number(root: unknown, path: string): number {
    const value = this.value(root, path);
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    this.missing.push(`${path} (a number)`);
    return 0;
  }

  /** Reads an optional number. */
  optionalNumber(root: unknown, path: string): number | undefined {
    const value = this.value(root, path);
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  }

  /** Reads an optional boolean, `fallback` when absent. */
  boolean(root: unknown, path: string, fallback: boolean): boolean {
    const value = this.value(root, path);
    return typeof value === 'boolean' ? value : fallback;
  }

  /** Reads an optional array, empty when absent or not an array. */
  array(root: unknown, path: string): unknown[] {
    const value = this.value(root, path);
    return Array.isArray(value) ? value : [];
  }
}

/** Checks for the all-zeros commit id that forges send as `before` for a new ref and `after` for a deleted one. */
export function isZeroCommit(id: string): boolean {
  return /^0+$/.test(id);
}

/** Collects `added`, `modified` and `removed` of each commit, without duplicates, in first-seen order. */
export function changedPathsOf(commits: unknown[], reader: PayloadReader): string[] {
  const paths = new Set<string>();
  for (const commit of commits) {
    for (const key of ['added', 'modified', 'removed']) {
      for (const path of reader.array(commit, key)) if (typeof path === 'string') paths.add(path);
    }
  }
  return [...paths];
}

/** Reads `{ id, message }` of each commit. */
export function commitsOf(commits: unknown[], reader: PayloadReader): { id: string; message: string }[] {
  return commits.map((commit) => ({ id: reader.optionalString(commit, 'id') ?? '', message: reader.optionalString(commit, 'message') ?? '' }));
}
