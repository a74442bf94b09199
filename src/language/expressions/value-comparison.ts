import { ExpressionDateTime, ExpressionVersion, type ExpressionValue } from './expression-context.js';
import { compareIgnoreCase } from './string-comparison.js';
import { castToBoolean, castToNumber, castToString, castToVersion, kindOf, type ValueKind } from './type-conversion.js';

// Comparison rules: learn.microsoft.com/azure/devops/pipelines/process/expressions#type-casting
// and #eq. The right operand is converted to the type of the left one.

/** The right operand converted to the left operand's kind, or `failed` when it cannot be. */
export type ConversionResult = { ok: true; value: ExpressionValue } | { ok: false; fromKind: ValueKind; toKind: ValueKind };

/** Converts `value` to the kind of `target`, following Azure's casting table. */
export function convertToKindOf(target: ExpressionValue, value: ExpressionValue): ConversionResult {
  const toKind = kindOf(target);
  const fromKind = kindOf(value);
  if (toKind === fromKind) return { ok: true, value };
  const failed = { ok: false as const, fromKind, toKind };

  switch (toKind) {
    case 'Null':
      // Only the empty string converts to null.
      return value === '' ? { ok: true, value: null } : failed;
    case 'Boolean':
      return { ok: true, value: castToBoolean(value) };
    case 'Number': {
      const number = castToNumber(value);
      return number === undefined ? failed : { ok: true, value: number };
    }
    case 'String':
      return fromKind === 'Array' || fromKind === 'Object' ? failed : { ok: true, value: castToString(value) };
    case 'Version': {
      const version = castToVersion(value);
      return version === undefined ? failed : { ok: true, value: version };
    }
    default:
      // Dates, arrays and objects compare only with their own kind.
      return failed;
  }
}

/**
 * Reports whether two values are equal after converting the right one to the
 * left one's kind. A failed conversion means not equal; strings compare
 * ordinal ignore-case; arrays and objects are equal only when they are the same value.
 */
export function valuesEqual(left: ExpressionValue, right: ExpressionValue): boolean {
  const converted = convertToKindOf(left, right);
  if (!converted.ok) return false;
  return compareSameKind(left, converted.value) === 0;
}

/**
 * Orders two values after converting the right one to the left one's kind.
 * Returns undefined when the conversion fails or the kind has no order, which
 * `gt`, `ge`, `lt` and `le` report as an error.
 */
export function compareValues(left: ExpressionValue, right: ExpressionValue): number | undefined {
  const converted = convertToKindOf(left, right);
  if (!converted.ok) return undefined;
  const kind = kindOf(left);
  if (kind === 'Array' || kind === 'Object') return undefined;
  return compareSameKind(left, converted.value);
}

/** Compares two values of the same kind; unordered kinds give 0 only for the same value. */
function compareSameKind(left: ExpressionValue, right: ExpressionValue): number {
  if (left === null || right === null) return left === right ? 0 : 1;
  if (typeof left === 'boolean' || typeof left === 'number') return Number(left) - Number(right);
  if (typeof left === 'string') return compareIgnoreCase(left, right as string);
  if (left instanceof ExpressionVersion) return compareVersions(left, right as ExpressionVersion);
  if (left instanceof ExpressionDateTime) return left.date.getTime() - (right as ExpressionDateTime).date.getTime();
  return left === right ? 0 : 1;
}

/** Compares versions part by part; a missing part sorts before 0, as in .NET (1.2 < 1.2.0). */
function compareVersions(left: ExpressionVersion, right: ExpressionVersion): number {
  for (let i = 0; i < 4; i += 1) {
    const a = left.parts[i] ?? -1;
    const b = right.parts[i] ?? -1;
    if (a !== b) return a - b;
  }
  return 0;
}
