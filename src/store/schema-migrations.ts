import type { ColumnDefinitionBuilder, Kysely } from 'kysely';
import type { StoreDialect } from './store-database.js';

/** One step of the schema, applied once and recorded in `sluice_schema_migrations`. */
export interface SchemaMigration {
  version: number;
  name: string;
  up(db: Kysely<unknown>, dialect: StoreDialect): Promise<void>;
}

/**
 * Every schema version, in order. Append new migrations at the end with the
 * next number; never edit one that has shipped, because databases record only
 * the number.
 */
export const SCHEMA_MIGRATIONS: readonly SchemaMigration[] = [
  { version: 1, name: 'create server tables', up: createServerTables },
  { version: 2, name: 'add job outcome', up: addJobOutcome },
  { version: 3, name: 'add trigger tables', up: addTriggerTables },
  { version: 4, name: 'add server leases', up: addServerLeases },
  { version: 5, name: 'add job vm image', up: addJobVmImage },
  { version: 6, name: 'add pipeline variables', up: addPipelineVariables },
];

/** The newest schema version this build can migrate to. */
export const LATEST_SCHEMA_VERSION = SCHEMA_MIGRATIONS[SCHEMA_MIGRATIONS.length - 1]!.version;

function identity(dialect: StoreDialect): (column: ColumnDefinitionBuilder) => ColumnDefinitionBuilder {
  return dialect === 'postgres'
    ? (column) => column.generatedByDefaultAsIdentity().primaryKey()
    : (column) => column.autoIncrement().primaryKey();
}

async function createServerTables(db: Kysely<unknown>, dialect: StoreDialect): Promise<void> {
  const id = identity(dialect);
  const schema = db.schema;

  await schema
    .createTable('pipelines')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('repository_url', 'text', (c) => c.notNull())
    .addColumn('yaml_path', 'text', (c) => c.notNull())
    .addColumn('default_branch', 'text', (c) => c.notNull())
    .addColumn('polling_interval_seconds', 'integer')
    .addColumn('webhook_secret_sealed', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await schema
    .createTable('runs')
    .addColumn('id', 'integer', id)
    .addColumn('pipeline_id', 'integer', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
    .addColumn('run_number', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('reason', 'text')
    .addColumn('trigger_reason', 'text', (c) => c.notNull())
    .addColumn('source_branch', 'text', (c) => c.notNull())
    .addColumn('source_version', 'text', (c) => c.notNull())
    .addColumn('pull_request_number', 'integer')
    .addColumn('parameters_json', 'text', (c) => c.notNull())
    .addColumn('variables_json', 'text', (c) => c.notNull())
    .addColumn('requested_by', 'text', (c) => c.notNull())
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text')
    .addColumn('finished_at', 'text')
    .execute();
  await schema.createIndex('runs_pipeline_queued').on('runs').columns(['pipeline_id', 'id']).execute();
  await schema.createIndex('runs_status').on('runs').column('status').execute();

  await schema
    .createTable('timeline_records')
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('parent_id', 'text')
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('display_name', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('result', 'text')
    .addColumn('reason', 'text')
    .addColumn('start_time', 'text')
    .addColumn('finish_time', 'text')
    .addColumn('agent_name', 'text')
    .addColumn('sequence', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('timeline_records_pk', ['run_id', 'record_id', 'attempt'])
    .execute();

  await schema
    .createTable('timeline_issues')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('attempt', 'integer', (c) => c.notNull())
    .addColumn('issue_type', 'text', (c) => c.notNull())
    .addColumn('message', 'text', (c) => c.notNull())
    .addColumn('source_path', 'text')
    .addColumn('line', 'integer')
    .addColumn('column_number', 'integer')
    .addColumn('code', 'text')
    .addColumn('time', 'text', (c) => c.notNull())
    .execute();
  await schema.createIndex('timeline_issues_record').on('timeline_issues').columns(['run_id', 'record_id', 'attempt']).execute();

  await schema
    .createTable('run_variables')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('is_secret', 'integer', (c) => c.notNull())
    .addColumn('is_output', 'integer', (c) => c.notNull())
    .addColumn('time', 'text', (c) => c.notNull())
    .execute();
  await schema.createIndex('run_variables_run').on('run_variables').columns(['run_id', 'record_id']).execute();

  await schema
    .createTable('log_chunks')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('chunk_index', 'integer', (c) => c.notNull())
    .addColumn('first_line', 'integer', (c) => c.notNull())
    .addColumn('line_count', 'integer', (c) => c.notNull())
    .addColumn('text_bytes', 'bigint', (c) => c.notNull())
    .addColumn('file_bytes', 'bigint', (c) => c.notNull())
    .addColumn('file_path', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('log_chunks_position', ['run_id', 'record_id', 'chunk_index'])
    .execute();

  await schema
    .createTable('artifacts')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('record_id', 'text')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('manifest_ref', 'text', (c) => c.notNull())
    .addColumn('size_bytes', 'bigint', (c) => c.notNull())
    .addColumn('file_count', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('artifacts_run_name', ['run_id', 'name'])
    .execute();

  await schema
    .createTable('test_runs')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('record_id', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('format', 'text', (c) => c.notNull())
    .addColumn('total', 'integer', (c) => c.notNull())
    .addColumn('passed', 'integer', (c) => c.notNull())
    .addColumn('failed', 'integer', (c) => c.notNull())
    .addColumn('skipped', 'integer', (c) => c.notNull())
    .addColumn('duration_ms', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await schema.createIndex('test_runs_run').on('test_runs').column('run_id').execute();

  await schema
    .createTable('agents')
    .addColumn('id', 'integer', id)
    .addColumn('name', 'text', (c) => c.notNull().unique())
    .addColumn('pool', 'text', (c) => c.notNull())
    .addColumn('capabilities_json', 'text', (c) => c.notNull())
    .addColumn('version', 'text')
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('last_heartbeat_at', 'text')
    .execute();

  await schema
    .createTable('job_queue')
    .addColumn('id', 'integer', id)
    .addColumn('run_id', 'integer', (c) => c.notNull().references('runs.id').onDelete('cascade'))
    .addColumn('record_id', 'text', (c) => c.notNull())
    .addColumn('pool', 'text', (c) => c.notNull())
    .addColumn('demands_json', 'text', (c) => c.notNull())
    .addColumn('payload_json', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('lease_owner', 'integer', (c) => c.references('agents.id').onDelete('set null'))
    .addColumn('lease_expires_at', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('queued_at', 'text', (c) => c.notNull())
    .addColumn('claimed_at', 'text')
    .addColumn('finished_at', 'text')
    .addColumn('result', 'text')
    .addColumn('failure_reason', 'text')
    .execute();
  await schema.createIndex('job_queue_waiting').on('job_queue').columns(['status', 'pool', 'id']).execute();
  await schema.createIndex('job_queue_lease').on('job_queue').columns(['status', 'lease_expires_at']).execute();

  await schema
    .createTable('tokens')
    .addColumn('id', 'integer', id)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('owner', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text')
    .addColumn('last_used_at', 'text')
    .addColumn('revoked_at', 'text')
    .execute();

  await schema
    .createTable('counters')
    .addColumn('pipeline_id', 'integer', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
    .addColumn('namespace', 'text', (c) => c.notNull())
    .addColumn('prefix', 'text', (c) => c.notNull())
    .addColumn('value', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('counters_pk', ['pipeline_id', 'namespace', 'prefix'])
    .execute();
}

/**
 * Adds `job_queue.outcome_sealed`: the whole JobOutcome an agent reports
 * (output variables for dependent jobs, final variables, test summaries),
 * sealed with the server key because output variables may be secret. The run
 * coordinator reads it back when it resumes a run.
 */
async function addJobOutcome(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('job_queue').addColumn('outcome_sealed', 'text').execute();
}

/**
 * State of the server's triggers: the refs each polled repository had at the
 * last `git ls-remote`, the webhook delivery ids already processed (replay
 * protection shared by every server process), and each pipeline's forge
 * settings for commit statuses (the API token sealed with the server key).
 */
async function addTriggerTables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('trigger_refs')
    .addColumn('pipeline_id', 'integer', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('commit_sha', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('trigger_refs_pk', ['pipeline_id', 'ref'])
    .execute();

  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('delivery_id', 'text', (c) => c.primaryKey())
    .addColumn('received_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_deliveries_received').on('webhook_deliveries').column('received_at').execute();

  await db.schema
    .createTable('forge_settings')
    .addColumn('pipeline_id', 'integer', (c) => c.primaryKey().references('pipelines.id').onDelete('cascade'))
    .addColumn('forge', 'text', (c) => c.notNull())
    .addColumn('api_url', 'text', (c) => c.notNull())
    .addColumn('repository', 'text')
    .addColumn('token_sealed', 'text')
    .addColumn('status_per_stage', 'integer', (c) => c.notNull())
    .addColumn('allow_secrets_for_forks', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}

/**
 * Leases that let several server processes share one database: `run_leases`
 * names the process that drives each unfinished run, `server_leases` the one
 * process that runs a singleton loop (the poller and the schedule loop).
 * Times are ISO 8601 UTC text, compared as text like `job_queue.lease_expires_at`.
 */
async function addServerLeases(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('run_leases')
    .addColumn('run_id', 'integer', (c) => c.primaryKey().references('runs.id').onDelete('cascade'))
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('server_leases')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('owner', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('acquired_at', 'text', (c) => c.notNull())
    .execute();
}

/**
 * Adds `job_queue.vm_image`: the `pool: vmImage` of a job queued in the hosted
 * pool, which a claim matches against the agent's capabilities (see
 * vm-image-match.ts). Null for every other job.
 */
async function addJobVmImage(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('job_queue').addColumn('vm_image', 'text').execute();
}

/**
 * Adds `pipeline_variables`: the variables a user defines on the server for a
 * pipeline, like the variables of Azure's pipeline settings UI. `name_key` is
 * the lower-case name, because variable names are case-insensitive. A secret's
 * value is a SecretBox envelope in `value_sealed`, and `value` is null.
 */
async function addPipelineVariables(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('pipeline_variables')
    .addColumn('pipeline_id', 'integer', (c) => c.notNull().references('pipelines.id').onDelete('cascade'))
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('value', 'text')
    .addColumn('value_sealed', 'text')
    .addColumn('is_secret', 'integer', (c) => c.notNull())
    .addColumn('allow_override', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('pipeline_variables_pk', ['pipeline_id', 'name_key'])
    .execute();
}
