import {
  ExpressionDateTime,
  ExpressionVersion,
  type ExpressionObject,
  type ExpressionValue,
} from './expression-context.js';

// Casting rules: learn.microsoft.com/azure/devops/pipelines/process/expressions#type-casting

/** The type names Azure uses in its casting table, plus the structured kinds. */
export type ValueKind = 'Null' | 'Boolean' | 'Number' | 'String' | 'Version' | 'DateTime' | 'Array' | 'Object';

const INT32_MAX = 2_147_483_647;

/** Returns the kind of a value, as named in Azure's casting table. */
export function kindOf(value: ExpressionValue): ValueKind {
  if (value === null) return 'Null';
  if (typeof value === 'boolean') return 'Boolean';
  if (typeof value === 'number') return 'Number';
  if (typeof value === 'string') return 'String';
  if (value instanceof ExpressionVersion) return 'Version';
  if (value instanceof ExpressionDateTime) return 'DateTime';
  if (Array.isArray(value)) return 'Array';
  return 'Object';
}

/** Reports whether a value is a plain object (a mapping from a context or parameter). */
export function isExpressionObject(value: ExpressionValue): value is ExpressionObject {
  return kindOf(value) === 'Object';
}

/**
 * Casts a value to boolean. Null, `''`, and 0 are False; every other value,
 * including the string `'false'`, is True.
 */
export function castToBoolean(value: ExpressionValue): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  return true;
}

/**
 * Casts a value to string. Booleans print as `True`/`False` and numbers
 * without thousands separators. Arrays and objects have no string form and
 * give `''` (as `join` documents for complex items); use {@link canConvertToString}
 * where that must be an error.
 */
export function castToString(value: ExpressionValue): string {
  if (value === null) return '';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'string') return value;
  if (value instanceof ExpressionVersion || value instanceof ExpressionDateTime) return value.toString();
  return '';
}

/** Reports whether a value has a string form (every kind but arrays and objects). */
export function canConvertToString(value: ExpressionValue): boolean {
  const kind = kindOf(value);
  return kind !== 'Array' && kind !== 'Object';
}

/**
 * Casts a value to number, or returns undefined when it is not convertible.
 * Null and `''` are 0, False is 0 and True is 1. Other strings follow .NET
 * number parsing with InvariantCulture and AllowLeadingWhite, AllowTrailingWhite,
 * AllowLeadingSign, AllowDecimalPoint and AllowThousands.
 */
export function castToNumber(value: ExpressionValue): number | undefined {
  if (value === null) return 0;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value === 'string') return parseNumberString(value);
  return undefined;
}

// .NET white space for NumberStyles: U+0009 to U+000D and U+0020.
const NUMBER_STRING = /^[\t\n\v\f\r ]*([+-]?)(\d[\d,]*)?(?:\.(\d*))?[\t\n\v\f\r ]*$/;

/**
 * Parses a string as Azure does when converting String to Number.
 * NOTE: the docs name Int32.TryParse, yet expression numbers are fractional
 * (`-1.2`), so a fractional part is kept here instead of being rejected.
 */
function parseNumberString(text: string): number | undefined {
  if (text === '') return 0;

  const match = NUMBER_STRING.exec(text);
  if (!match) return undefined;
  const [, sign, integerPart = '', fraction] = match;
  const digits = integerPart.replaceAll(',', '');
  if (digits === '' && (fraction === undefined || fraction === '')) return undefined;

  const magnitude = Number(`${digits || '0'}.${fraction || '0'}`);
  return sign === '-' ? -magnitude : magnitude;
}

/**
 * Casts a value to a version, or returns undefined when it is not convertible.
 * Strings follow .NET `Version.TryParse` (two to four parts); a number must be
 * positive with a non-zero fractional part, such as 1.2.
 */
export function castToVersion(value: ExpressionValue): ExpressionVersion | undefined {
  if (value instanceof ExpressionVersion) return value;
  if (typeof value === 'number') {
    if (!(value > 0) || Number.isInteger(value)) return undefined;
    return parseVersionString(formatNumber(value));
  }
  if (typeof value === 'string') return parseVersionString(value);
  return undefined;
}

function parseVersionString(text: string): ExpressionVersion | undefined {
  const parts = text.split('.');
  if (parts.length < 2 || parts.length > 4) return undefined;

  const numbers: number[] = [];
  for (const part of parts) {
    if (!/^[\t\n\v\f\r ]*\+?\d+[\t\n\v\f\r ]*$/.test(part)) return undefined;
    const number = Number(part.trim().replace('+', ''));
    if (number > INT32_MAX) return undefined;
    numbers.push(number);
  }
  return new ExpressionVersion(numbers);
}

/**
 * Formats a number the way .NET's `double.ToString()` does with InvariantCulture:
 * shortest round-trip digits and an `E+XX` exponent for very large or small values.
 */
export function formatNumber(value: number): string {
  if (Object.is(value, -0)) return '-0';
  const text = String(value);
  const exponent = /^(-?[\d.]+)e([+-])(\d+)$/.exec(text);
  if (!exponent) return text;
  const [, mantissa, sign, digits] = exponent;
  return `${mantissa}E${sign}${digits!.padStart(2, '0')}`;
}
