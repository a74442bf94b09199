import { sql, type Kysely } from 'kysely';
import { isSqliteBusy } from './database-errors.js';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import type { StoreDatabase } from './store-database.js';
import { SCHEMA_MIGRATIONS, type SchemaMigration } from './schema-migrations.js';
import type { StoreSchema } from './store-schema.js';

/**
 * Key of the PostgreSQL advisory lock held while migrating, so that two server
 * processes starting at once apply each migration once. Any fixed 64-bit value works.
 */
export const MIGRATION_LOCK_KEY = 7_351_022_001;

/** Report of one migration pass: versions before and after, and the migrations applied. */
export interface MigrationReport {
  from: number;
  to: number;
  applied: { version: number; name: string }[];
}

/**
 * Brings the schema up to date in one transaction: creates the migrations
 * table, refuses a schema newer than this build (STORE005), then applies each
 * pending migration in order. Any failure rolls everything back (STORE004).
 */
export async function migrateSchema(store: StoreDatabase, migrations: readonly SchemaMigration[] = SCHEMA_MIGRATIONS): Promise<MigrationReport> {
  const latest = migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
  const report = await store.write(async (trx) => {
    if (store.dialect === 'postgres') await sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`.execute(trx);
    await trx.schema
      .createTable('sluice_schema_migrations')
      .ifNotExists()
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('applied_at', 'text', (c) => c.notNull())
      .execute();

    const current = await currentVersion(trx);
    if (current > latest) throw schemaTooNew(store.description, current, latest);

    const applied: MigrationReport['applied'] = [];
    for (const migration of migrations.filter((candidate) => candidate.version > current)) {
      await applyMigration(trx, store, migration);
      applied.push({ version: migration.version, name: migration.name });
    }
    return { from: current, to: Math.max(current, latest), applied };
  });

  if (report.applied.length > 0) {
    store.logger.info({ database: store.description, from: report.from, to: report.to }, 'schema migrated');
  }
  return report;
}

/** Reads the schema version recorded in the database; 0 for an empty database. */
export async function currentVersion(db: Kysely<StoreSchema>): Promise<number> {
  const row = await db
    .selectFrom('sluice_schema_migrations')
    .select((eb) => eb.fn.max('version').as('version'))
    .executeTakeFirst();
  return Number(row?.version ?? 0);
}

async function applyMigration(trx: Kysely<StoreSchema>, store: StoreDatabase, migration: SchemaMigration): Promise<void> {
  try {
    await migration.up(trx as Kysely<unknown>, store.dialect);
    await trx
      .insertInto('sluice_schema_migrations')
      .values({ version: migration.version, name: migration.name, applied_at: store.now() })
      .execute();
  } catch (error) {
    if (error instanceof StoreError || isSqliteBusy(error)) throw error;
    const detail = error instanceof Error ? error.message : String(error);
    throw new StoreError(
      StoreErrorCode.MigrationFailed,
      `migration ${migration.version} ('${migration.name}') failed on ${store.description}: ${detail}`,
      'the database was left at its previous version; fix the cause above and start again, or restore a backup',
      { cause: error },
    );
  }
}

function schemaTooNew(description: string, found: number, known: number): StoreError {
  return new StoreError(
    StoreErrorCode.SchemaTooNew,
    `the database ${description} has schema version ${found}, but this Sluice knows versions up to ${known}`,
    'a newer Sluice has upgraded this database: run that version, or point this one at another database',
  );
}
