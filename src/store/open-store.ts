import { randomUUID } from 'node:crypto';
import { dirname, join, basename } from 'node:path';
import type { Kysely } from 'kysely';
import { AgentRepository } from './agent-repository.js';
import { ArtifactRepository } from './artifact-repository.js';
import { sqliteWriteLock } from './async-mutex.js';
import { CounterRepository } from './counter-repository.js';
import { JobQueue } from './job-queue.js';
import { LogStore } from './log-store.js';
import { currentVersion, migrateSchema, type MigrationReport } from './migrate-schema.js';
import { PipelineRepository } from './pipeline-repository.js';
import { describePostgres, openPostgres, POSTGRES_CONNECT_TIMEOUT_MS, POSTGRES_DEFAULT_POOL_SIZE } from './postgres-connection.js';
import { RunRepository } from './run-repository.js';
import { RunVariableRepository } from './run-variable-repository.js';
import type { SchemaMigration } from './schema-migrations.js';
import { SecretBox } from './secret-box.js';
import { openSqlite, SQLITE_DEFAULT_BUSY_TIMEOUT_MS } from './sqlite-connection.js';
import { StoreDatabase, type StoreDialect } from './store-database.js';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import { silentLogger, type StoreLogger } from './store-logger.js';
import type { StoreSchema } from './store-schema.js';
import { parseStoreUrl, type StoreLocation } from './store-url.js';
import { TestResultRepository } from './test-result-repository.js';
import { TimelineRepository } from './timeline-repository.js';
import { TokenRepository } from './token-repository.js';

/** How to open the store. */
export interface OpenStoreOptions {
  /** `sqlite:/path/sluice.db`, `:memory:` or `postgres://user:password@host:port/database`. */
  url: string;
  logger?: StoreLogger;
  /**
   * Folder for log chunk files. Defaults to `<name>.files` beside an SQLite
   * file; a PostgreSQL or in-memory store without it has no `logs`.
   */
  dataDir?: string;
  /** 32-byte server key (base64 or bytes) that encrypts secret values; without it secrets are rejected. */
  secretKey?: string | Buffer;
  /** SQLite only: how long to wait for another connection's lock. */
  busyTimeoutMs?: number;
  /** PostgreSQL only: how long opening a connection may take. */
  connectTimeoutMs?: number;
  /** PostgreSQL only: connections in the pool. */
  poolSize?: number;
  /** The clock for every stored time and lease; tests pass a fixed one. */
  now?: () => Date;
  /** Replaces the built-in migrations; for tests of the migration runner only. */
  migrations?: readonly SchemaMigration[];
}

/**
 * The server's store: one object per process, with one repository per
 * concept. Close it when the server stops so the pool or file is released.
 */
export class Store {
  readonly pipelines: PipelineRepository;
  readonly runs: RunRepository;
  readonly timeline: TimelineRepository;
  readonly variables: RunVariableRepository;
  readonly artifacts: ArtifactRepository;
  readonly testResults: TestResultRepository;
  readonly agents: AgentRepository;
  readonly jobs: JobQueue;
  readonly tokens: TokenRepository;
  readonly counters: CounterRepository;
  private readonly logStore: LogStore | undefined;

  constructor(
    private readonly database: StoreDatabase,
    dataDir: string | undefined,
    /** Report of the migrations applied when the store was opened. */
    readonly migration: MigrationReport,
  ) {
    this.pipelines = new PipelineRepository(database);
    this.runs = new RunRepository(database);
    this.timeline = new TimelineRepository(database);
    this.variables = new RunVariableRepository(database);
    this.artifacts = new ArtifactRepository(database);
    this.testResults = new TestResultRepository(database);
    this.agents = new AgentRepository(database);
    this.jobs = new JobQueue(database);
    this.tokens = new TokenRepository(database);
    this.counters = new CounterRepository(database);
    this.logStore = dataDir === undefined ? undefined : new LogStore(database, dataDir);
  }

  get dialect(): StoreDialect {
    return this.database.dialect;
  }

  /** The query builder, for queries no repository offers yet; prefer adding a repository method. */
  get db(): Kysely<StoreSchema> {
    return this.database.db;
  }

  /** The log chunk files; throws STORE016 when the store has no data folder. */
  get logs(): LogStore {
    if (this.logStore !== undefined) return this.logStore;
    throw new StoreError(
      StoreErrorCode.DataFolderMissing,
      `the store ${this.database.description} was opened without a data folder, so it cannot keep logs`,
      'pass dataDir when opening the store',
    );
  }

  /** Returns the schema version recorded in the database. */
  async schemaVersion(): Promise<number> {
    return currentVersion(this.database.db);
  }

  /** Closes the SQLite file or the PostgreSQL pool. */
  async close(): Promise<void> {
    await this.database.db.destroy();
    this.database.logger.info({ database: this.database.description }, 'store closed');
  }
}

/**
 * Opens the store named by `url`, then brings its schema up to date inside one
 * transaction. Errors are StoreErrors with a code: a locked SQLite file
 * (STORE001), unreachable PostgreSQL (STORE002, STORE003), a failed migration
 * (STORE004), or a schema newer than this build (STORE005).
 */
export async function openStore(options: OpenStoreOptions): Promise<Store> {
  const location = parseStoreUrl(options.url);
  const logger = options.logger ?? silentLogger;
  const secrets = new SecretBox(options.secretKey);
  const busyTimeoutMs = options.busyTimeoutMs ?? SQLITE_DEFAULT_BUSY_TIMEOUT_MS;

  const database = await connect(location, options, logger, secrets, busyTimeoutMs);
  try {
    const migration = await migrateSchema(database, options.migrations);
    logger.info({ database: database.description, dialect: database.dialect, schemaVersion: migration.to }, 'store opened');
    return new Store(database, options.dataDir ?? defaultDataDir(location), migration);
  } catch (error) {
    await database.db.destroy().catch(() => undefined);
    throw error;
  }
}

async function connect(location: StoreLocation, options: OpenStoreOptions, logger: StoreLogger, secrets: SecretBox, busyTimeoutMs: number): Promise<StoreDatabase> {
  const common = { busyTimeoutMs, now: options.now ?? (() => new Date()), logger, secrets };
  switch (location.kind) {
    case 'sqlite':
      return new StoreDatabase({
        ...common,
        db: openSqlite(location.path, busyTimeoutMs),
        dialect: 'sqlite',
        description: location.path,
        writeLock: sqliteWriteLock(location.path),
      });
    case 'sqlite-memory':
      // Each in-memory database is private to its connection, so it gets a lock of its own.
      return new StoreDatabase({
        ...common,
        db: openSqlite(':memory:', busyTimeoutMs),
        dialect: 'sqlite',
        description: ':memory:',
        writeLock: sqliteWriteLock(`:memory:${randomUUID()}`),
      });
    case 'postgres':
      return new StoreDatabase({
        ...common,
        db: await openPostgres(location, {
          connectTimeoutMs: options.connectTimeoutMs ?? POSTGRES_CONNECT_TIMEOUT_MS,
          poolSize: options.poolSize ?? POSTGRES_DEFAULT_POOL_SIZE,
          logger,
        }),
        dialect: 'postgres',
        description: describePostgres(location),
      });
  }
}

function defaultDataDir(location: StoreLocation): string | undefined {
  if (location.kind !== 'sqlite') return undefined;
  return join(dirname(location.path), `${basename(location.path)}.files`);
}
