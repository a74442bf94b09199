import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import type { StoreLogger } from './store-logger.js';
import type { StoreSchema } from './store-schema.js';

/** How long opening a PostgreSQL connection may take, in milliseconds, unless the caller sets it. */
export const POSTGRES_CONNECT_TIMEOUT_MS = 5000;

/** Connections per server process in the pool, unless the caller sets it. */
export const POSTGRES_DEFAULT_POOL_SIZE = 10;

// PostgreSQL type OID of int8 (bigint). By default pg returns int8 values as strings.
const INT8_OID = 20;

/** Connection target. `connectionString` may contain a password, so it is never logged or put in a message. */
export interface PostgresTarget {
  connectionString: string;
  host: string;
  port: number;
  database: string;
}

/**
 * Opens a pool to PostgreSQL and checks one connection, so that a wrong host,
 * password or database fails at start with a coded error: STORE002 refused,
 * STORE003 timed out, STORE013 authentication, STORE014 missing database.
 * Sizes and counters are int8 columns well below 2^53, so they are parsed as numbers.
 */
export async function openPostgres(
  target: PostgresTarget,
  options: { connectTimeoutMs: number; poolSize: number; logger: StoreLogger },
): Promise<Kysely<StoreSchema>> {
  const pool = new pg.Pool({
    connectionString: target.connectionString,
    connectionTimeoutMillis: options.connectTimeoutMs,
    max: options.poolSize,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client that loses its server emits 'error' on the pool; without a listener Node would crash.
  pool.on('error', (error) => options.logger.error({ err: error.message, database: describePostgres(target) }, 'idle postgresql connection failed'));

  try {
    const client = await pool.connect();
    client.release();
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw connectionError(target, options.connectTimeoutMs, error);
  }
  return new Kysely<StoreSchema>({ dialect: new PostgresDialect({ pool }) });
}

/** Names a PostgreSQL database for messages as `host:port/database`, without user or password. */
export function describePostgres(target: PostgresTarget): string {
  return `${target.host}:${target.port}/${target.database}`;
}

function connectionError(target: PostgresTarget, timeoutMs: number, error: unknown): StoreError {
  const code = (error as { code?: unknown }).code;
  const message = error instanceof Error ? error.message : String(error);
  const where = `${target.host}:${target.port}`;

  if (code === 'ECONNREFUSED') {
    return new StoreError(StoreErrorCode.PostgresUnreachable, `connection refused at ${where}: is PostgreSQL running?`, 'start PostgreSQL, or fix the host and port in the store URL', {
      cause: error,
    });
  }
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return new StoreError(StoreErrorCode.PostgresUnreachable, `the PostgreSQL host ${where} cannot be reached (${String(code)})`, 'fix the host name in the store URL, or the network', {
      cause: error,
    });
  }
  if (/timeout/i.test(message)) {
    return new StoreError(
      StoreErrorCode.PostgresConnectTimeout,
      `PostgreSQL at ${where} did not complete the connection within ${timeoutMs} ms`,
      'check that the host and port belong to PostgreSQL and that no firewall drops the traffic',
      { cause: error },
    );
  }
  // SQLSTATE 28P01 invalid_password, 28000 invalid_authorization_specification, 3D000 invalid_catalog_name
  // (postgresql.org/docs/15/errcodes-appendix.html).
  if (code === '28P01' || code === '28000') {
    return new StoreError(StoreErrorCode.PostgresAuthenticationFailed, `PostgreSQL at ${where} rejected the user name or password`, 'fix the user and password in the store URL', {
      cause: error,
    });
  }
  if (code === '3D000') {
    return new StoreError(
      StoreErrorCode.PostgresDatabaseMissing,
      `the database '${target.database}' does not exist on PostgreSQL at ${where}`,
      `create it first, for example: createdb ${target.database}`,
      { cause: error },
    );
  }
  return new StoreError(StoreErrorCode.PostgresUnreachable, `connecting to PostgreSQL at ${where} failed: ${message}`, 'check the store URL and that PostgreSQL is running', {
    cause: error,
  });
}
