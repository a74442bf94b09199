import { ApiError } from '../api-error.js';

/** Parses a positive integer path or query parameter; anything else is SRV004 naming the parameter. */
export function positiveId(value: unknown, name: string): number {
  const text = String(value);
  const number = Number(text);
  if (/^\d+$/.test(text) && Number.isSafeInteger(number) && number > 0) return number;
  throw new ApiError('invalidRequest', `invalid ${name} '${text}': expected a positive whole number`);
}

/** Parses an optional positive integer query parameter. */
export function optionalPositive(value: unknown, name: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  return positiveId(value, name);
}
