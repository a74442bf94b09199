import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** Folder of the PostgreSQL 15 programs on Debian and Ubuntu. */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

/** How long the server may take to accept connections after it starts, in milliseconds. */
const STARTUP_TIMEOUT_MS = 30_000;

/** How long a fast shutdown may take before the server is killed, in milliseconds. */
const SHUTDOWN_TIMEOUT_MS = 10_000;

/** A throwaway PostgreSQL server on a loopback port, with its data folder in a temp folder. */
export interface PostgresCluster {
  host: string;
  port: number;
  /** Creates an empty database and returns its connection URL. */
  createDatabase(name?: string): Promise<string>;
  /** Stops the server and deletes its folder. */
  stop(): Promise<void>;
}

/**
 * Runs `initdb` into a temp folder and starts `postgres` on a free port of
 * 127.0.0.1, its unix socket in the same temp folder. PostgreSQL refuses to run
 * as root, so under root both run as the `postgres` user. Durability is turned
 * off (fsync, synchronous_commit) because the data is thrown away.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  if (!existsSync(join(POSTGRES_BIN, 'initdb'))) {
    throw new Error(`PostgreSQL 15 is not installed: ${POSTGRES_BIN}/initdb is missing (Debian package postgresql-15)`);
  }
  const root = mkdtempSync(join(tmpdir(), 'sluice-pg-'));
  const dataDir = join(root, 'data');
  const socketDir = join(root, 'socket');
  mkdirSync(socketDir);
  const owner = postgresUser();
  if (owner !== undefined) {
    chownSync(root, owner.uid, owner.gid);
    chownSync(socketDir, owner.uid, owner.gid);
  }

  const initdb = spawnSync(join(POSTGRES_BIN, 'initdb'), ['-D', dataDir, '--auth=trust', '--username=postgres', '--encoding=UTF8', '--no-sync'], {
    ...owner,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (initdb.status !== 0) {
    rmSync(root, { recursive: true, force: true });
    throw new Error(`initdb failed with status ${initdb.status}: ${initdb.stderr}`);
  }

  const port = await freePort();
  const server = spawn(
    join(POSTGRES_BIN, 'postgres'),
    ['-D', dataDir, '-h', '127.0.0.1', '-p', String(port), '-k', socketDir, '-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off'],
    { ...owner, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let serverLog = '';
  server.stderr?.on('data', (chunk: Buffer) => {
    serverLog = (serverLog + chunk.toString('utf8')).slice(-4000);
  });

  try {
    await waitUntilReady(port, server, () => serverLog);
  } catch (error) {
    await stopServer(server);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }

  let databases = 0;
  return {
    host: '127.0.0.1',
    port,
    async createDatabase(name?: string): Promise<string> {
      databases += 1;
      const database = name ?? `sluice_test_${databases}`;
      const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres' });
      await client.connect();
      try {
        await client.query(`CREATE DATABASE "${database}"`);
      } finally {
        await client.end();
      }
      return `postgres://postgres@127.0.0.1:${port}/${database}`;
    },
    async stop(): Promise<void> {
      await stopServer(server);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' });
  const gid = spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' });
  if (id.status !== 0 || gid.status !== 0) throw new Error('running as root, but there is no postgres user to run PostgreSQL as');
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}

async function waitUntilReady(port: number, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`postgres exited with status ${server.exitCode}: ${log()}`);
    const client = new pg.Client({ host: '127.0.0.1', port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 1000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw new Error(`postgres did not accept connections within ${STARTUP_TIMEOUT_MS} ms: ${log()}`, { cause: error });
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Asks for a fast shutdown (SIGINT), then kills the server if it is still running after the timeout. */
async function stopServer(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  server.kill('SIGINT');
  const timer = setTimeout(() => server.kill('SIGKILL'), SHUTDOWN_TIMEOUT_MS);
  await exited;
  clearTimeout(timer);
}
