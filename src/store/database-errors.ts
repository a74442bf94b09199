import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';

interface DriverError {
  code?: unknown;
  message?: unknown;
}

/** True for SQLite's SQLITE_BUSY family: another connection holds the lock past the busy timeout. */
export function isSqliteBusy(error: unknown): boolean {
  const code = (error as DriverError | undefined)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** True when a unique or primary key constraint rejected a row, in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as DriverError | undefined)?.code;
  // 23505 is PostgreSQL's unique_violation (postgresql.org/docs/15/errcodes-appendix.html).
  return code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/** True when a foreign key rejected a row because the row it points to does not exist, in either dialect. */
export function isForeignKeyViolation(error: unknown): boolean {
  const code = (error as DriverError | undefined)?.code;
  // 23503 is PostgreSQL's foreign_key_violation.
  return code === '23503' || code === 'SQLITE_CONSTRAINT_FOREIGNKEY';
}

/** Builds the STORE001 error for a locked SQLite database. */
export function databaseLockedError(path: string, busyTimeoutMs: number, cause: unknown): StoreError {
  return new StoreError(
    StoreErrorCode.DatabaseLocked,
    `the SQLite database '${path}' stayed locked by another connection for more than ${busyTimeoutMs} ms`,
    'stop the other process that uses this file (another sluice serve, or an open sqlite3 shell), or use PostgreSQL for several server processes',
    { cause },
  );
}

/** Builds the STORE009 error for a missing record. */
export function notFoundError(what: string, id: string | number): StoreError {
  return new StoreError(StoreErrorCode.NotFound, `${what} '${id}' was not found`, `check the ${what} id; it may have been deleted`);
}
