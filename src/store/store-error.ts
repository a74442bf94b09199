import type { StoreErrorCodeValue } from './store-error-codes.js';

/**
 * A problem with the database or the data folder that an operator can fix: it
 * carries a stable code and a hint. The message never contains a password or a
 * secret value; `cause` keeps the driver's error for the logs.
 */
export class StoreError extends Error {
  constructor(
    readonly code: StoreErrorCodeValue,
    message: string,
    readonly hint: string,
    options?: { cause?: unknown },
  ) {
    super(`${code}: ${message}`, options);
    this.name = 'StoreError';
  }
}

/** Returns true when `error` is a StoreError with the given code. */
export function isStoreError(error: unknown, code?: StoreErrorCodeValue): error is StoreError {
  return error instanceof StoreError && (code === undefined || error.code === code);
}
