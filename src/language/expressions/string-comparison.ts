/**
 * Upper-cases one UTF-16 code unit with a simple (one-to-one) mapping, as .NET's
 * ordinal ignore-case comparison does. Characters whose upper case is longer
 * (such as `ß`) stay as they are.
 */
function foldCase(unit: string): string {
  const upper = unit.toUpperCase();
  return upper.length === 1 ? upper : unit;
}

/**
 * Compares two strings ordinally, ignoring case, and returns a negative number,
 * zero or a positive number. Azure compares strings this way in every function
 * (learn.microsoft.com/azure/devops/pipelines/process/expressions#functions).
 */
export function compareIgnoreCase(left: string, right: string): number {
  const length = Math.min(left.length, right.length);
  for (let i = 0; i < length; i += 1) {
    const a = foldCase(left[i]!).charCodeAt(0);
    const b = foldCase(right[i]!).charCodeAt(0);
    if (a !== b) return a - b;
  }
  return left.length - right.length;
}

/** Reports whether two strings are equal, ordinal and ignoring case. */
export function equalsIgnoreCase(left: string, right: string): boolean {
  return left.length === right.length && compareIgnoreCase(left, right) === 0;
}

/** Returns the index of `needle` in `haystack`, ordinal and ignoring case, or -1. */
export function indexOfIgnoreCase(haystack: string, needle: string): number {
  // Folding maps each code unit to one code unit, so indexes in the folded text match the original.
  return foldString(haystack).indexOf(foldString(needle));
}

function foldString(text: string): string {
  let result = '';
  for (let i = 0; i < text.length; i += 1) result += foldCase(text[i]!);
  return result;
}
