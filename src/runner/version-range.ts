/**
 * A small semver range matcher for UsePythonVersion's `versionSpec`: x-ranges
 * (`3`, `3.x`, `3.11`, `3.11.*`), comparators (`>=3.9`, `< 3.12`), `~` and `^`,
 * hyphen ranges (`3.8 - 3.10`), space-separated AND and `||` OR. A pre-release
 * matches only when `allowPrerelease` is set, as UsePythonVersion's `allowUnstable` does.
 * NOTE: written here because the `semver` package is not a dependency yet; swap it in when it is.
 */

/** A parsed version; `prerelease` is set for versions such as 3.13.0rc1. */
export interface Version {
  major: number;
  minor: number;
  patch: number;
  prerelease?: string;
}

type Comparator = { operator: '<' | '<=' | '>' | '>=' | '='; version: Version };

/** Parses `3`, `3.11`, `3.11.7` and Python pre-releases such as `3.13.0rc1` or `3.13.0-beta.1`. */
export function parseVersion(text: string): Version | undefined {
  const match = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-?((?:a|b|rc|alpha|beta|dev)[.\d]*))?$/i.exec(text.trim());
  if (!match) return undefined;
  return {
    major: Number(match[1]),
    minor: Number(match[2] ?? 0),
    patch: Number(match[3] ?? 0),
    prerelease: match[4] ? match[4].toLowerCase() : undefined,
  };
}

/** Orders versions; a pre-release sorts before its release. */
export function compareVersions(a: Version, b: Version): number {
  const byNumbers = a.major - b.major || a.minor - b.minor || a.patch - b.patch;
  if (byNumbers !== 0) return byNumbers;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === undefined) return 1;
  if (b.prerelease === undefined) return -1;
  return a.prerelease < b.prerelease ? -1 : 1;
}

/** Formats a version as `major.minor.patch[prerelease]`. */
export function formatVersion(version: Version): string {
  return `${version.major}.${version.minor}.${version.patch}${version.prerelease ?? ''}`;
}

function isWildcard(part: string | undefined): boolean {
  return part === undefined || part === '' || part === 'x' || part === 'X' || part === '*';
}

/** Turns a partial version into the comparators of its x-range (`3.11` → `>=3.11.0 <3.12.0`). */
function xRange(text: string): Comparator[] | undefined {
  const parts = text.split('.');
  if (parts.length > 3) return undefined;
  const numbers: number[] = [];
  for (const part of parts) {
    if (isWildcard(part)) break;
    if (!/^\d+$/.test(part)) return undefined;
    numbers.push(Number(part));
  }

  if (numbers.length === 0) return [];
  if (numbers.length === 3) return [{ operator: '=', version: { major: numbers[0]!, minor: numbers[1]!, patch: numbers[2]! } }];
  const lower: Version = { major: numbers[0]!, minor: numbers[1] ?? 0, patch: 0 };
  const upper: Version = numbers.length === 1 ? { major: lower.major + 1, minor: 0, patch: 0 } : { major: lower.major, minor: lower.minor + 1, patch: 0 };
  return [
    { operator: '>=', version: lower },
    { operator: '<', version: upper },
  ];
}

function parseComparator(token: string): Comparator[] | undefined {
  const match = /^(<=|>=|<|>|=|~|\^)?\s*(.+)$/.exec(token);
  if (!match) return undefined;
  const operator = match[1];
  const body = match[2]!;

  if (operator === undefined || operator === '=') return xRange(body);
  if (operator === '~' || operator === '^') {
    const base = parseVersion(body.replace(/\.[xX*]/g, ''));
    if (!base) return undefined;
    const upper: Version = operator === '^' && base.major > 0 ? { major: base.major + 1, minor: 0, patch: 0 } : { major: base.major, minor: base.minor + 1, patch: 0 };
    return [
      { operator: '>=', version: { ...base, prerelease: undefined } },
      { operator: '<', version: upper },
    ];
  }

  const version = parseVersion(body.replace(/\.[xX*]/g, ''));
  if (!version) return undefined;
  return [{ operator: operator as Comparator['operator'], version }];
}

/** Parses a range into OR-ed sets of AND-ed comparators; undefined when the range is invalid. */
export function parseRange(range: string): Comparator[][] | undefined {
  const alternatives: Comparator[][] = [];
  for (const alternative of range.split('||')) {
    const normalised = alternative.trim().replace(/(<=|>=|<|>|=|~|\^)\s+/g, '$1');
    const hyphen = /^(\S+)\s+-\s+(\S+)$/.exec(normalised);
    if (hyphen) {
      const low = parseVersion(hyphen[1]!);
      const high = xRange(hyphen[2]!);
      if (!low || !high) return undefined;
      const upper = high.find((c) => c.operator === '<' || c.operator === '=');
      if (!upper) return undefined;
      alternatives.push([{ operator: '>=', version: low }, { operator: upper.operator === '=' ? '<=' : '<', version: upper.version }]);
      continue;
    }

    const set: Comparator[] = [];
    for (const token of normalised.split(/\s+/).filter((t) => t !== '')) {
      const comparators = parseComparator(token);
      if (!comparators) return undefined;
      set.push(...comparators);
    }
    alternatives.push(set);
  }
  return alternatives;
}

function satisfiesComparator(version: Version, comparator: Comparator): boolean {
  const order = compareVersions(version, comparator.version);
  switch (comparator.operator) {
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    case '=':
      return order === 0;
  }
}

/** True when `version` lies in `range`; a pre-release needs `allowPrerelease`. */
export function satisfiesRange(version: Version, range: string, allowPrerelease = false): boolean {
  if (version.prerelease !== undefined && !allowPrerelease) return false;
  const parsed = parseRange(range);
  if (!parsed) return false;
  const release = { ...version, prerelease: undefined };
  return parsed.some((set) => set.every((comparator) => satisfiesComparator(allowPrerelease ? release : version, comparator)));
}
