import Database from 'better-sqlite3';
import { createServer, type Server, type Socket } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { LATEST_SCHEMA_VERSION, SCHEMA_MIGRATIONS, type SchemaMigration } from '../../src/store/schema-migrations.js';
import { StoreError } from '../../src/store/store-error.js';
import { StoreErrorCode } from '../../src/store/store-error-codes.js';
import { DIALECTS, useTestDatabases } from './store-test-targets.js';

const databases = useTestDatabases();

async function openError(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe.each(DIALECTS)('openStore migrations on %s', (dialect) => {
  it('creates every table from empty', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();

    expect(store.migration.from).toBe(0);
    expect(store.migration.to).toBe(LATEST_SCHEMA_VERSION);
    expect(store.migration.applied.map((step) => step.version)).toEqual(SCHEMA_MIGRATIONS.map((migration) => migration.version));
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    const pipeline = await store.pipelines.create({ name: 'lib', repositoryUrl: 'https://git.example/lib.git' });
    expect(pipeline.id).toBeGreaterThan(0);
  });

  it('applies nothing when opened again', async () => {
    const database = await databases.create(dialect);
    const first = await database.open();
    await first.pipelines.create({ name: 'kept', repositoryUrl: 'https://git.example/kept.git' });
    await first.close();

    const second = await database.open();
    expect(second.migration.applied).toEqual([]);
    expect(second.migration.from).toBe(LATEST_SCHEMA_VERSION);
    expect((await second.pipelines.getByName('kept'))?.repositoryUrl).toBe('https://git.example/kept.git');
  });

  it('upgrades an older schema in order', async () => {
    const database = await databases.create(dialect);
    const old = await database.open({ migrations: SCHEMA_MIGRATIONS.slice(0, 1) });
    await old.pipelines.create({ name: 'from v1', repositoryUrl: 'https://git.example/v1.git' });
    await old.close();

    const store = await database.open();
    expect(store.migration.from).toBe(1);
    expect(store.migration.applied.map((step) => step.version)).toEqual(SCHEMA_MIGRATIONS.slice(1).map((migration) => migration.version));
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect((await store.pipelines.getByName('from v1'))?.repositoryUrl).toBe('https://git.example/v1.git');
  });

  it('rejects a schema newer than the code', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    await store.db.insertInto('sluice_schema_migrations').values({ version: LATEST_SCHEMA_VERSION + 5, name: 'from the future', applied_at: '2030-01-01T00:00:00.000Z' }).execute();
    await store.close();

    const error = await openError(database.open());
    expect(error.code).toBe(StoreErrorCode.SchemaTooNew);
    expect(error.message).toContain(`schema version ${LATEST_SCHEMA_VERSION + 5}`);
    expect(error.message).toContain(`up to ${LATEST_SCHEMA_VERSION}`);
  });

  it('rolls back every step of a failed migration', async () => {
    const database = await databases.create(dialect);
    const migrations: SchemaMigration[] = [
      { version: 1, name: 'create first', up: (db) => db.schema.createTable('first_table').addColumn('id', 'integer').execute() },
      { version: 2, name: 'create second', up: (db) => db.schema.createTable('second_table').addColumn('id', 'integer').execute() },
      {
        version: 3,
        name: 'broken step',
        up: async (db) => {
          await sql`select * from table_that_does_not_exist`.execute(db);
        },
      },
    ];

    const error = await openError(database.open({ migrations }));
    expect(error.code).toBe(StoreErrorCode.MigrationFailed);
    expect(error.message).toContain("migration 3 ('broken step')");

    const store = await database.open({ migrations: migrations.slice(0, 1) });
    expect(store.migration.applied.map((step) => step.version)).toEqual([1]);
    const tables = await store.db.introspection.getTables();
    expect(tables.map((table) => table.name)).not.toContain('second_table');
  });
});

describe('openStore on SQLite', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  function tempFolder(): string {
    const folder = mkdtempSync(join(tmpdir(), 'sluice-sqlite-'));
    folders.push(folder);
    return folder;
  }

  it('uses WAL mode and the busy timeout', async () => {
    const path = join(tempFolder(), 'wal.db');
    const store = await openStore({ url: `sqlite:${path}`, busyTimeoutMs: 1234 });
    const mode = await sql<{ journal_mode: string }>`pragma journal_mode`.execute(store.db);
    const timeout = await sql<{ timeout: number }>`pragma busy_timeout`.execute(store.db);
    await store.close();

    expect(mode.rows[0]?.journal_mode).toBe('wal');
    expect(timeout.rows[0]?.timeout).toBe(1234);
  });

  it('reports a database locked by another connection', async () => {
    const path = join(tempFolder(), 'locked.db');
    const holder = new Database(path);
    holder.pragma('journal_mode = DELETE');
    holder.exec('create table held (id integer); begin exclusive; insert into held values (1);');
    try {
      const error = await openError(openStore({ url: `sqlite:${path}`, busyTimeoutMs: 50 }));
      expect(error.code).toBe(StoreErrorCode.DatabaseLocked);
      expect(error.message).toContain(path);
      expect(error.hint).toContain('stop the other process');
    } finally {
      holder.exec('rollback');
      holder.close();
    }
  });

  it('reports a lock held on a WAL database during migration', async () => {
    const path = join(tempFolder(), 'locked-wal.db');
    const first = await openStore({ url: `sqlite:${path}` });
    await first.close();
    const holder = new Database(path);
    holder.exec('begin exclusive; insert into pipelines (name, repository_url, yaml_path, default_branch, created_at, updated_at) values (1, 2, 3, 4, 5, 6);');
    try {
      const error = await openError(openStore({ url: `sqlite:${path}`, busyTimeoutMs: 50 }));
      expect(error.code).toBe(StoreErrorCode.DatabaseLocked);
    } finally {
      holder.exec('rollback');
      holder.close();
    }
  });

  it('reports a missing folder', async () => {
    const path = join(tempFolder(), 'missing', 'folder', 'x.db');
    const error = await openError(openStore({ url: `sqlite:${path}` }));
    expect(error.code).toBe(StoreErrorCode.SqliteOpenFailed);
    expect(error.message).toContain(path);
  });

  it('opens an in-memory database without a data folder', async () => {
    const store = await openStore({ url: ':memory:' });
    expect(await store.schemaVersion()).toBe(LATEST_SCHEMA_VERSION);
    expect(() => store.logs).toThrowError(expect.objectContaining({ code: StoreErrorCode.DataFolderMissing }) as Error);
    await store.close();
  });

  it('rejects an unknown URL scheme without echoing it', async () => {
    const error = await openError(openStore({ url: 'mysql://root:hunter2@db/sluice' }));
    expect(error.code).toBe(StoreErrorCode.InvalidStoreUrl);
    expect(error.message).toContain("'mysql:'");
    expect(error.message).not.toContain('hunter2');
  });
});

describe('openStore on unreachable PostgreSQL', () => {
  const servers: Server[] = [];
  const sockets: Socket[] = [];
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    for (const server of servers.splice(0)) await new Promise((resolve) => server.close(resolve));
  });

  async function listen(onConnection: (socket: Socket) => void): Promise<number> {
    const server = createServer(onConnection);
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as { port: number }).port;
  }

  it('reports a refused connection with host and port', async () => {
    const port = await listen(() => undefined);
    await new Promise((resolve) => servers.pop()!.close(resolve));

    const error = await openError(openStore({ url: `postgres://sluice:hunter2@127.0.0.1:${port}/sluice` }));
    expect(error.code).toBe(StoreErrorCode.PostgresUnreachable);
    expect(error.message).toContain(`connection refused at 127.0.0.1:${port}: is PostgreSQL running?`);
    expect(error.message).not.toContain('hunter2');
  });

  it('reports a server that never answers', async () => {
    const port = await listen((socket) => sockets.push(socket));

    const error = await openError(openStore({ url: `postgres://sluice:hunter2@127.0.0.1:${port}/sluice`, connectTimeoutMs: 100 }));
    expect(error.code).toBe(StoreErrorCode.PostgresConnectTimeout);
    expect(error.message).toContain(`127.0.0.1:${port}`);
    expect(error.message).toContain('100 ms');
    expect(error.message).not.toContain('hunter2');
  });

  it('reports a missing database', async () => {
    const database = await databases.create('postgres');
    const url = database.url.replace(/\/[^/]+$/, '/no_such_database');

    const error = await openError(openStore({ url }));
    expect(error.code).toBe(StoreErrorCode.PostgresDatabaseMissing);
    expect(error.message).toContain("'no_such_database'");
  });
});
