import { describe, expect, it } from 'vitest';
import { compareVersions, parseVersion, satisfiesRange } from '../../src/runner/version-range.js';

function satisfies(version: string, range: string, allowPrerelease = false): boolean {
  const parsed = parseVersion(version);
  if (!parsed) throw new Error(`bad version ${version}`);
  return satisfiesRange(parsed, range, allowPrerelease);
}

describe('satisfiesRange', () => {
  const table: Array<[version: string, range: string, expected: boolean]> = [
    ['3.11.7', '3.11', true],
    ['3.12.1', '3.11', false],
    ['3.11.7', '3.x', true],
    ['2.7.18', '3.x', false],
    ['3.9.18', '>= 3.9', true],
    ['3.8.18', '>= 3.9', false],
    ['3.10.13', '>=3.9 <3.11', true],
    ['3.11.0', '>=3.9 <3.11', false],
    ['3.8.18', '3.8.18', true],
    ['3.8.17', '3.8.18', false],
    ['3.9.1', '3.8 - 3.10', true],
    ['3.10.9', '3.8 - 3.10', true],
    ['3.11.0', '3.8 - 3.10', false],
    ['3.6.15', '2.x || 3.6', true],
    ['3.12.1', '~3.12.0', true],
    ['3.13.0', '^3.12', true],
    ['3.13.0', '*', true],
    ['3.11.7', '3.11.*', true],
  ];
  for (const [version, range, expected] of table) {
    it(`${version} in '${range}' is ${expected}`, () => {
      expect(satisfies(version, range)).toBe(expected);
    });
  }

  it('matches a pre-release only when allowed', () => {
    expect(satisfies('3.14.0rc1', '3.14')).toBe(false);
    expect(satisfies('3.14.0rc1', '3.14', true)).toBe(true);
  });

  it('orders a pre-release before its release', () => {
    expect(compareVersions(parseVersion('3.13.0rc1')!, parseVersion('3.13.0')!)).toBeLessThan(0);
    expect(compareVersions(parseVersion('3.10.0')!, parseVersion('3.9.18')!)).toBeGreaterThan(0);
  });

  it('rejects an invalid range', () => {
    expect(satisfies('3.11.7', 'latest')).toBe(false);
  });
});
