import { ExpressionDateTime, ExpressionVersion, type ExpressionValue } from './expression-context.js';

/** A value that `JSON.stringify` writes as Azure shows it. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Converts an expression value to plain JSON data: versions and date-times become strings. */
export function toJsonValue(value: ExpressionValue): JsonValue {
  if (value instanceof ExpressionVersion || value instanceof ExpressionDateTime) return value.toString();
  if (Array.isArray(value)) return value.map((item) => toJsonValue(item));
  if (value !== null && typeof value === 'object') {
    const result: { [key: string]: JsonValue } = {};
    for (const [key, item] of Object.entries(value)) result[key] = toJsonValue(item);
    return result;
  }
  return value;
}
