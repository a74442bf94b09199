import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, type SqliteDatabase } from 'kysely';
import { databaseLockedError, isSqliteBusy } from './database-errors.js';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import type { StoreSchema } from './store-schema.js';

/** Prepared statements kept per connection; the store issues far fewer distinct SQL texts in its steady state. */
export const SQLITE_STATEMENT_CACHE_SIZE = 256;

/** WAL pages written between automatic checkpoints; at the default 4 KiB page size about 16 MB. */
export const SQLITE_CHECKPOINT_PAGES = 4000;

/** How long an SQLite statement waits for another connection's lock, in milliseconds, unless the caller sets it. */
export const SQLITE_DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * Opens an SQLite database for the store with a WAL journal, `busy_timeout`,
 * foreign keys on, and `synchronous = NORMAL`. In WAL mode readers do not block
 * the writer, and NORMAL cannot corrupt the database, though a power loss may
 * undo the last commits (SQLite's synchronous pragma, as restated in
 * learn.microsoft.com …/android.database.sqlite.sqlitedatabase.syncmodenormal).
 * Throws STORE001 when another connection keeps the lock past the timeout, and
 * STORE015 when the file cannot be opened.
 */
export function openSqlite(path: string | ':memory:', busyTimeoutMs: number): Kysely<StoreSchema> {
  let database: Database.Database;
  try {
    database = new Database(path, { timeout: busyTimeoutMs });
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      StoreErrorCode.SqliteOpenFailed,
      `the SQLite database '${path}' cannot be opened: ${detail}`,
      'check that the folder exists and that this user may write to it',
      { cause: error },
    );
  }

  try {
    database.pragma(`busy_timeout = ${busyTimeoutMs}`);
    if (path !== ':memory:') database.pragma('journal_mode = WAL');
    database.pragma('synchronous = NORMAL');
    // A checkpoint syncs the database file while the server's event loop waits, so it runs every
    // SQLITE_CHECKPOINT_PAGES pages (about 16 MB) instead of SQLite's default of 1,000 pages.
    if (path !== ':memory:') database.pragma(`wal_autocheckpoint = ${SQLITE_CHECKPOINT_PAGES}`);
    database.pragma('foreign_keys = ON');
  } catch (error) {
    database.close();
    if (isSqliteBusy(error)) throw databaseLockedError(path, busyTimeoutMs, error);
    throw new StoreError(
      StoreErrorCode.SqliteOpenFailed,
      `the SQLite database '${path}' cannot be prepared: ${error instanceof Error ? error.message : String(error)}`,
      'check that the file is an SQLite database and not damaged',
      { cause: error },
    );
  }
  return new Kysely<StoreSchema>({ dialect: new SqliteDialect({ database: withStatementCache(database, SQLITE_STATEMENT_CACHE_SIZE) }) });
}

/**
 * Reuses prepared statements by SQL text, dropping the oldest past `size`.
 * Kysely prepares every query again, and preparing was a tenth of the server's
 * CPU time when dispatching jobs (bench/server-dispatch.js). Reuse is safe
 * because Kysely runs each statement to completion synchronously (`all` or
 * `run`); the store streams no query with `iterate`.
 */
function withStatementCache(database: Database.Database, size: number): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      let statement = statements.get(sql);
      if (statement === undefined) {
        statement = database.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
        statements.set(sql, statement);
      }
      return statement;
    },
  };
}
