/** Stable codes for problems with the server's database and data folder. A code is never reused. */
export const StoreErrorCode = {
  /** SQLite reported SQLITE_BUSY: another connection holds a lock for longer than the busy timeout. */
  DatabaseLocked: 'STORE001',
  /** Nothing accepts connections at the PostgreSQL host and port. */
  PostgresUnreachable: 'STORE002',
  /** The PostgreSQL server did not complete the connection within the connect timeout. */
  PostgresConnectTimeout: 'STORE003',
  /** A schema migration failed; the whole migration transaction was rolled back. */
  MigrationFailed: 'STORE004',
  /** The database has a schema version newer than the newest migration of this build. */
  SchemaTooNew: 'STORE005',
  /** The store URL has a form that Sluice does not support. */
  InvalidStoreUrl: 'STORE006',
  /** A secret value must be stored, but the store was opened without a secret key. */
  SecretKeyMissing: 'STORE007',
  /** The secret key is not 32 bytes, or a stored secret cannot be decrypted with it. */
  SecretKeyInvalid: 'STORE008',
  /** A pipeline, run, agent, job or other record with the given id does not exist. */
  NotFound: 'STORE009',
  /** A record with the same unique name already exists. */
  AlreadyExists: 'STORE010',
  /** An agent acted on a job whose lease it no longer holds. */
  LeaseLost: 'STORE011',
  /** A log line range is empty or starts before line 1. */
  InvalidLineRange: 'STORE012',
  /** PostgreSQL rejected the user name or password. */
  PostgresAuthenticationFailed: 'STORE013',
  /** The PostgreSQL database named in the URL does not exist. */
  PostgresDatabaseMissing: 'STORE014',
  /** The SQLite file or its folder cannot be opened. */
  SqliteOpenFailed: 'STORE015',
  /** Logs were requested from a store opened without a data folder. */
  DataFolderMissing: 'STORE016',
  /** A value passed to the store is out of its allowed range (a lease length, a polling interval, a counter seed). */
  InvalidArgument: 'STORE017',
} as const;

export type StoreErrorCodeValue = (typeof StoreErrorCode)[keyof typeof StoreErrorCode];
