import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { CliErrorCodes } from '../cli-error-codes.js';
import { formatCliError } from '../cli-error-message.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { createServer, DEFAULT_LISTEN, type SluiceServer } from '../../server/create-server.js';
import { isStoreError } from '../../store/store-error.js';

/** Options of `sluice serve`, as commander passes them. */
export interface ServeCommandOptions {
  /** Data folder; default `$XDG_DATA_HOME/sluice` or `~/.local/share/sluice`. */
  data?: string;
  /** `host:port`, `[ipv6]:port` or a port alone; default 127.0.0.1:8080. */
  listen?: string;
  /** `sqlite` (default, under the data folder) or a `postgres://` URL. */
  database?: string;
  /** Commander sets `localAgent: false` for `--no-local-agent`. */
  localAgent?: boolean;
  /** pino level: fatal, error, warn, info (default), debug, trace. */
  logLevel?: string;
}

/** Parses `--listen`; returns a message for the user when it is invalid. */
export function parseListenAddress(value: string | undefined): { host: string; port: number } | string {
  if (value === undefined) return { ...DEFAULT_LISTEN };
  const match = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(value) ?? /^()()(\d+)$/.exec(value);
  const port = Number(match?.[3]);
  if (match === null || !Number.isInteger(port) || port < 0 || port > 65535) {
    return `invalid --listen '${value}': expected host:port, such as 127.0.0.1:8080`;
  }
  const host = match[1] || match[2] || DEFAULT_LISTEN.host;
  return { host, port };
}

/** Turns `--database` into a store URL: `sqlite` means the file under the data folder. */
export function databaseUrl(value: string | undefined, dataDir: string): string | string[] {
  if (value === undefined || value === 'sqlite') return `sqlite:${join(dataDir, 'sluice.db')}`;
  if (/^postgres(ql)?:\/\//.test(value) || value.startsWith('sqlite:')) return value;
  return [`invalid --database: expected 'sqlite' or a postgres:// URL`];
}

/** Returns the default data folder, following the XDG base directory convention. */
export function defaultDataDir(): string {
  const base = process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share');
  return join(base, 'sluice');
}

/**
 * `sluice serve`: opens the store (running migrations), prints the admin token
 * on first start, serves the API until SIGTERM, SIGINT or `signal`, then shuts
 * down gracefully. Returns the exit code.
 */
export async function runServeCommand(options: ServeCommandOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  const listen = parseListenAddress(options.listen);
  if (typeof listen === 'string') {
    io.stderr(formatCliError(CliErrorCodes.invalidOption, listen));
    return ExitCode.invalidInput;
  }
  const dataDir = resolve(io.cwd, options.data ?? defaultDataDir());
  const url = databaseUrl(options.database, dataDir);
  if (Array.isArray(url)) {
    io.stderr(formatCliError(CliErrorCodes.invalidOption, url[0]));
    return ExitCode.invalidInput;
  }

  let server: SluiceServer;
  try {
    server = await createServer({
      dataDir,
      databaseUrl: url,
      host: listen.host,
      port: listen.port,
      localAgent: options.localAgent,
      logLevel: options.logLevel,
      onAdminToken: (token) => io.stdout(`Admin token (shown only now; keep it safe): ${token}\n`),
    });
  } catch (error) {
    if (!isStoreError(error)) throw error;
    // A StoreError's message already starts with its code.
    io.stderr(`error ${error.message}\n  hint: ${error.hint}\n`);
    return ExitCode.invalidInput;
  }

  let address: string;
  try {
    address = await server.listen();
  } catch (error) {
    await server.close();
    io.stderr(formatCliError(CliErrorCodes.listenFailed, `cannot listen on ${listen.host}:${listen.port}: ${(error as Error).message}`, 'choose a free port with --listen, such as --listen 127.0.0.1:8081'));
    return ExitCode.invalidInput;
  }
  io.stderr(`Sluice is listening on ${address} (data in ${dataDir})\n`);

  await waitForStop(signal);
  io.stderr('Shutting down: running jobs may finish and report, no new jobs start.\n');
  await server.close();
  return ExitCode.success;
}

function waitForStop(signal?: AbortSignal): Promise<void> {
  return new Promise((resolvePromise) => {
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      signal?.removeEventListener('abort', stop);
      resolvePromise();
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    if (signal?.aborted === true) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}
