import { describe, expect, it } from 'vitest';
import { ExpressionDateTime, ExpressionVersion } from '../../../src/language/expressions/expression-context.js';
import { compareIgnoreCase, equalsIgnoreCase, indexOfIgnoreCase } from '../../../src/language/expressions/string-comparison.js';
import {
  castToBoolean,
  castToNumber,
  castToString,
  castToVersion,
  formatNumber,
} from '../../../src/language/expressions/type-conversion.js';
import { compareValues, valuesEqual } from '../../../src/language/expressions/value-comparison.js';

// Rules from learn.microsoft.com/azure/devops/pipelines/process/expressions#type-casting

describe('castToBoolean', () => {
  it.each([
    [null, false],
    [true, true],
    [false, false],
    [0, false],
    [-1, true],
    [0.1, true],
    ['', false],
    ['false', true],
    ['0', true],
    [new ExpressionVersion([1, 0]), true],
    [[], true],
    [{}, true],
  ])('%j is %s', (value, expected) => {
    expect(castToBoolean(value)).toBe(expected);
  });
});

describe('castToString', () => {
  it.each([
    [null, ''],
    [true, 'True'],
    [false, 'False'],
    [1000, '1000'],
    [-1.5, '-1.5'],
    [0.1, '0.1'],
    [new ExpressionVersion([1, 2, 3]), '1.2.3'],
    [[1, 2], ''],
    [{ a: 1 }, ''],
  ])('%j is %j', (value, expected) => {
    expect(castToString(value)).toBe(expected);
  });

  it('date-time is ISO 8601 with the offset', () => {
    expect(castToString(new ExpressionDateTime(new Date('2024-05-01T10:30:00Z')))).toBe('2024-05-01T10:30:00.000+00:00');
  });
});

describe('castToNumber', () => {
  it.each([
    [null, 0],
    [true, 1],
    [false, 0],
    ['', 0],
    ['42', 42],
    ['  42  ', 42],
    ['+7', 7],
    ['-7', -7],
    ['1,000', 1000],
    ['1,000,000.5', 1000000.5],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['5.', 5],
    ['\t-3\n', -3],
  ])('%j is %s', (value, expected) => {
    expect(castToNumber(value)).toBe(expected);
  });

  it.each([['abc'], ['1e3'], ['0x10'], ['1 2'], ['-'], ['.'], [',1'], ['1-'], ['Infinity'], ['NaN'], ['1.2.3']])(
    '%j is not convertible',
    (value) => {
      expect(castToNumber(value)).toBeUndefined();
    },
  );

  it('versions, arrays and objects are not convertible', () => {
    expect(castToNumber(new ExpressionVersion([1, 2, 3]))).toBeUndefined();
    expect(castToNumber([1])).toBeUndefined();
    expect(castToNumber({})).toBeUndefined();
  });
});

describe('castToVersion', () => {
  it('parses strings with two to four parts', () => {
    expect(castToVersion('1.2')?.parts).toEqual([1, 2]);
    expect(castToVersion('1.2.3.4')?.parts).toEqual([1, 2, 3, 4]);
    expect(castToVersion('1')).toBeUndefined();
    expect(castToVersion('1.2.3.4.5')).toBeUndefined();
    expect(castToVersion('1.-2')).toBeUndefined();
    expect(castToVersion('1.2147483648')).toBeUndefined();
  });

  it('converts positive numbers with a fractional part', () => {
    expect(castToVersion(1.2)?.parts).toEqual([1, 2]);
    expect(castToVersion(3)).toBeUndefined();
    expect(castToVersion(-1.2)).toBeUndefined();
  });

  it('rejects booleans and null', () => {
    expect(castToVersion(true)).toBeUndefined();
    expect(castToVersion(null)).toBeUndefined();
  });
});

describe('formatNumber', () => {
  it('uses .NET exponent notation for large and small values', () => {
    expect(formatNumber(1e21)).toBe('1E+21');
    expect(formatNumber(1e-7)).toBe('1E-07');
    expect(formatNumber(123456789)).toBe('123456789');
  });
});

describe('value comparison', () => {
  it('a version with fewer parts sorts before one with a zero part', () => {
    expect(compareValues(new ExpressionVersion([1, 2]), '1.2.0')).toBeLessThan(0);
    expect(valuesEqual(new ExpressionVersion([1, 2]), '1.2.0')).toBe(false);
  });

  it('arrays equal only themselves', () => {
    const list = ['a'];
    expect(valuesEqual(list, list)).toBe(true);
    expect(valuesEqual(list, ['a'])).toBe(false);
    expect(compareValues(list, list)).toBeUndefined();
  });

  it('null converts only from the empty string', () => {
    expect(valuesEqual(null, '')).toBe(true);
    expect(valuesEqual(null, 0)).toBe(false);
    expect(valuesEqual(null, false)).toBe(false);
  });
});

describe('ordinal ignore-case strings', () => {
  it('compares by code unit after simple upper-casing', () => {
    expect(equalsIgnoreCase('refs/heads/Main', 'REFS/HEADS/main')).toBe(true);
    expect(compareIgnoreCase('a', 'B')).toBeLessThan(0);
    // Letters compare as upper case, so 'a' (as 'A', 0x41) sorts before '_' (0x5F).
    expect(compareIgnoreCase('_', 'a')).toBeGreaterThan(0);
  });

  it('does not expand ß to SS', () => {
    expect(equalsIgnoreCase('ß', 'SS')).toBe(false);
    expect(equalsIgnoreCase('straße', 'STRAßE')).toBe(true);
  });

  it('finds substrings ignoring case', () => {
    expect(indexOfIgnoreCase('Hello World', 'WORLD')).toBe(6);
    expect(indexOfIgnoreCase('abc', 'd')).toBe(-1);
  });
});
