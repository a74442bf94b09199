import { sql, type Kysely } from 'kysely';
import type { AsyncMutex } from './async-mutex.js';
import { databaseLockedError, isSqliteBusy } from './database-errors.js';
import type { SecretBox } from './secret-box.js';
import type { StoreLogger } from './store-logger.js';
import type { StoreSchema } from './store-schema.js';

export type StoreDialect = 'sqlite' | 'postgres';

/** Shared parts of every repository: the query builder, the dialect, the clock, the logger and the secret box. */
export interface StoreDatabaseOptions {
  db: Kysely<StoreSchema>;
  dialect: StoreDialect;
  /** Name of the database in messages: the SQLite path or `host:port/database`, never a password. */
  description: string;
  /** Process-wide write lock of the SQLite file; undefined for PostgreSQL. */
  writeLock?: AsyncMutex;
  busyTimeoutMs: number;
  now: () => Date;
  logger: StoreLogger;
  secrets: SecretBox;
}

/**
 * The one query layer over both dialects. Reads use `db` directly. Work that
 * writes more than one statement, or reads and then writes, goes through
 * `write`. On SQLite that is an immediate transaction, which takes the write
 * lock at BEGIN so two writers never both read the same state. On PostgreSQL
 * it is a read-committed transaction, and queries that must not interleave lock their rows.
 */
export class StoreDatabase {
  readonly db: Kysely<StoreSchema>;
  readonly dialect: StoreDialect;
  readonly description: string;
  readonly logger: StoreLogger;
  readonly secrets: SecretBox;
  private readonly writeLock: AsyncMutex | undefined;
  private readonly busyTimeoutMs: number;
  private readonly clock: () => Date;

  constructor(options: StoreDatabaseOptions) {
    this.db = options.db;
    this.dialect = options.dialect;
    this.description = options.description;
    this.writeLock = options.writeLock;
    this.busyTimeoutMs = options.busyTimeoutMs;
    this.clock = options.now;
    this.logger = options.logger;
    this.secrets = options.secrets;
  }

  /** Returns the current time of the injected clock as ISO 8601 UTC text. */
  now(): string {
    return this.clock().toISOString();
  }

  /** Returns the current time plus `seconds` as ISO 8601 UTC text. */
  nowPlus(seconds: number): string {
    return new Date(this.clock().getTime() + seconds * 1000).toISOString();
  }

  /**
   * Runs `work` in a write transaction and commits when it resolves, rolls back
   * when it throws. Do not call `write` again inside `work`: on SQLite that waits for itself.
   */
  async write<T>(work: (trx: Kysely<StoreSchema>) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.db.transaction().execute(work);

    const lock = this.writeLock;
    if (lock === undefined) throw new Error('bug: an SQLite store has no write lock');
    // NOTE: the lock only orders writers of this process. A writer in another process makes
    // BEGIN IMMEDIATE wait synchronously, blocking the event loop for up to busyTimeoutMs.
    try {
      return await lock.runExclusive(() => this.db.connection().execute((connection) => this.immediateTransaction(connection, work)));
    } catch (error) {
      if (isSqliteBusy(error)) throw databaseLockedError(this.description, this.busyTimeoutMs, error);
      throw error;
    }
  }

  private async immediateTransaction<T>(connection: Kysely<StoreSchema>, work: (trx: Kysely<StoreSchema>) => Promise<T>): Promise<T> {
    await sql`begin immediate`.execute(connection);
    try {
      const result = await work(connection);
      await sql`commit`.execute(connection);
      return result;
    } catch (error) {
      await sql`rollback`.execute(connection).catch((rollbackError: unknown) => {
        this.logger.error({ err: rollbackError }, 'sqlite rollback failed');
      });
      throw error;
    }
  }
}

/** Parses a JSON column written by the store; a damaged value is a bug, reported with the column name. */
export function parseJsonColumn<T>(text: string, column: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`bug: the column '${column}' contains invalid JSON`, { cause: error });
  }
}
