import { resolve } from 'node:path';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';

/** Location of the store's tables: an SQLite file, an in-memory SQLite database, or PostgreSQL. */
export type StoreLocation =
  | { kind: 'sqlite'; path: string }
  | { kind: 'sqlite-memory' }
  | { kind: 'postgres'; connectionString: string; host: string; port: number; database: string };

/** PostgreSQL's default port, used when the URL names none. */
export const POSTGRES_DEFAULT_PORT = 5432;

/**
 * Parses a store URL: `sqlite:/abs/path.db`, `sqlite:relative.db` (relative to
 * the working folder), `:memory:` or `sqlite::memory:`, and
 * `postgres://user:password@host:port/database` (also `postgresql://`).
 * Throws STORE006 for anything else; the message never repeats a password.
 */
export function parseStoreUrl(url: string): StoreLocation {
  const trimmed = url.trim();
  if (trimmed === ':memory:' || trimmed === 'sqlite::memory:') return { kind: 'sqlite-memory' };

  if (trimmed.startsWith('sqlite:')) {
    const rawPath = trimmed.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (rawPath === '') throw invalidUrl("the SQLite URL 'sqlite:' names no file");
    return { kind: 'sqlite', path: resolve(rawPath) };
  }

  if (/^postgres(ql)?:\/\//i.test(trimmed)) return parsePostgresUrl(trimmed);

  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1];
  const shown = scheme === undefined ? 'a URL without a scheme' : `the scheme '${scheme}:'`;
  throw invalidUrl(`the store URL has ${shown}, which Sluice does not support`);
}

function parsePostgresUrl(url: string): StoreLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch (error) {
    throw invalidUrl('the PostgreSQL URL cannot be parsed', error);
  }
  const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
  if (parsed.hostname === '') throw invalidUrl('the PostgreSQL URL names no host');
  if (database === '') throw invalidUrl(`the PostgreSQL URL for host '${parsed.hostname}' names no database`);
  const port = parsed.port === '' ? POSTGRES_DEFAULT_PORT : Number(parsed.port);
  return { kind: 'postgres', connectionString: url, host: parsed.hostname, port, database };
}

function invalidUrl(message: string, cause?: unknown): StoreError {
  return new StoreError(
    StoreErrorCode.InvalidStoreUrl,
    message,
    "use 'sqlite:/path/to/sluice.db', ':memory:' or 'postgres://user:password@host:5432/database'",
    { cause },
  );
}
