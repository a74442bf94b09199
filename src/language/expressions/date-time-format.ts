import type { ExpressionDateTime } from './expression-context.js';

// .NET custom date and time format strings, invariant culture:
// learn.microsoft.com/dotnet/standard/base-types/custom-date-and-time-format-strings

const DAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = [
  'January', 'February', 'March', 'April', 'May', 'June',
  'July', 'August', 'September', 'October', 'November', 'December',
];
const SPECIFIER_LETTERS = new Set(['d', 'f', 'F', 'h', 'H', 'm', 'M', 's', 't', 'y', 'z', 'K']);

/** A format string that cannot be applied, with the offset of the bad part. */
export class DateFormatError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = 'DateFormatError';
  }
}

/**
 * Formats a date-time with a .NET custom format such as `yyyyMMdd` or
 * `yyyy-MM-ddTHH:mm:ss.fffK`, as `format('{0:yyyyMMdd}', pipeline.startTime)` does.
 * Quoted text ('…' or "…") and `\x` are copied; other characters are literal.
 */
export function formatDateTime(value: ExpressionDateTime, pattern: string): string {
  const shifted = new Date(value.date.getTime() + value.offsetMinutes * 60_000);
  let output = '';
  let position = 0;

  while (position < pattern.length) {
    const character = pattern[position]!;

    if (character === "'" || character === '"') {
      const close = pattern.indexOf(character, position + 1);
      if (close < 0) throw new DateFormatError(`the text quoted with ${character} at position ${position} has no closing quote.`, position);
      output += pattern.slice(position + 1, close);
      position = close + 1;
      continue;
    }
    if (character === '\\') {
      if (position + 1 >= pattern.length) throw new DateFormatError('the format ends with a lone backslash.', position);
      output += pattern[position + 1];
      position += 2;
      continue;
    }
    if (character === '%') {
      position += 1;
      continue;
    }
    if (!SPECIFIER_LETTERS.has(character)) {
      output += character;
      position += 1;
      continue;
    }

    let count = 1;
    while (pattern[position + count] === character) count += 1;
    output += formatSpecifier(character, count, shifted, value.offsetMinutes, position);
    position += count;
  }
  return output;
}

function formatSpecifier(letter: string, count: number, date: Date, offsetMinutes: number, position: number): string {
  const pad = (number: number, width: number) => String(number).padStart(width, '0');
  const hours = date.getUTCHours();

  switch (letter) {
    case 'd':
      if (count === 1) return String(date.getUTCDate());
      if (count === 2) return pad(date.getUTCDate(), 2);
      if (count === 3) return DAY_NAMES[date.getUTCDay()]!.slice(0, 3);
      return DAY_NAMES[date.getUTCDay()]!;
    case 'M':
      if (count === 1) return String(date.getUTCMonth() + 1);
      if (count === 2) return pad(date.getUTCMonth() + 1, 2);
      if (count === 3) return MONTH_NAMES[date.getUTCMonth()]!.slice(0, 3);
      return MONTH_NAMES[date.getUTCMonth()]!;
    case 'y':
      if (count === 1) return String(date.getUTCFullYear() % 100);
      if (count === 2) return pad(date.getUTCFullYear() % 100, 2);
      return pad(date.getUTCFullYear(), count);
    case 'H':
      return count === 1 ? String(hours) : pad(hours, 2);
    case 'h':
      return count === 1 ? String(hours % 12 || 12) : pad(hours % 12 || 12, 2);
    case 'm':
      return count === 1 ? String(date.getUTCMinutes()) : pad(date.getUTCMinutes(), 2);
    case 's':
      return count === 1 ? String(date.getUTCSeconds()) : pad(date.getUTCSeconds(), 2);
    case 't':
      return (hours < 12 ? 'AM' : 'PM').slice(0, count === 1 ? 1 : 2);
    case 'f':
    case 'F':
      return formatFraction(letter, count, date, position);
    case 'z':
      return formatOffset(offsetMinutes, count);
    default:
      // 'K': Z for UTC, otherwise the offset as +hh:mm.
      return offsetMinutes === 0 ? 'Z' : formatOffset(offsetMinutes, 3);
  }
}

/** Formats tenths to ten-millionths of a second; `F` drops trailing zeros. */
function formatFraction(letter: string, count: number, date: Date, position: number): string {
  if (count > 7) throw new DateFormatError(`'${letter.repeat(count)}' has more than 7 fraction digits.`, position);
  // JavaScript dates have millisecond precision, so digits past the third are 0.
  const digits = `${String(date.getUTCMilliseconds()).padStart(3, '0')}0000`.slice(0, count);
  return letter === 'f' ? digits : digits.replace(/0+$/, '');
}

function formatOffset(offsetMinutes: number, count: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const hours = Math.floor(absolute / 60);
  if (count === 1) return `${sign}${hours}`;
  if (count === 2) return `${sign}${String(hours).padStart(2, '0')}`;
  return `${sign}${String(hours).padStart(2, '0')}:${String(absolute % 60).padStart(2, '0')}`;
}
