import type { Generated } from 'kysely';

/**
 * Table types for kysely. Both dialects store times as ISO 8601 UTC text (so
 * they sort as strings), booleans as 0 or 1, and structured values as JSON text.
 */
export interface StoreSchema {
  sluice_schema_migrations: SchemaMigrationTable;
  pipelines: PipelineTable;
  runs: RunTable;
  timeline_records: TimelineRecordTable;
  timeline_issues: TimelineIssueTable;
  run_variables: RunVariableTable;
  log_chunks: LogChunkTable;
  artifacts: ArtifactTable;
  test_runs: TestRunTable;
  agents: AgentTable;
  job_queue: JobQueueTable;
  tokens: TokenTable;
  counters: CounterTable;
}

export interface SchemaMigrationTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface PipelineTable {
  id: Generated<number>;
  name: string;
  repository_url: string;
  yaml_path: string;
  default_branch: string;
  polling_interval_seconds: number | null;
  /** SecretBox envelope; the clear secret is needed to check HMAC signatures. */
  webhook_secret_sealed: string | null;
  created_at: string;
  updated_at: string;
}

export interface RunTable {
  id: Generated<number>;
  pipeline_id: number;
  run_number: string | null;
  status: string;
  result: string | null;
  reason: string | null;
  trigger_reason: string;
  source_branch: string;
  source_version: string;
  pull_request_number: number | null;
  parameters_json: string;
  /** Queue-time variables: clear values, or SecretBox envelopes for secrets. */
  variables_json: string;
  requested_by: string;
  queued_at: string;
  started_at: string | null;
  finished_at: string | null;
}

export interface TimelineRecordTable {
  run_id: number;
  record_id: string;
  attempt: number;
  parent_id: string | null;
  type: string;
  name: string;
  display_name: string;
  state: string;
  result: string | null;
  reason: string | null;
  start_time: string | null;
  finish_time: string | null;
  agent_name: string | null;
  /** Order in which records first appeared, for stable listing. */
  sequence: number;
}

export interface TimelineIssueTable {
  id: Generated<number>;
  run_id: number;
  record_id: string;
  attempt: number;
  issue_type: string;
  message: string;
  source_path: string | null;
  line: number | null;
  column_number: number | null;
  code: string | null;
  time: string;
}

export interface RunVariableTable {
  id: Generated<number>;
  run_id: number;
  record_id: string;
  name: string;
  value: string;
  is_secret: number;
  is_output: number;
  time: string;
}

export interface LogChunkTable {
  id: Generated<number>;
  run_id: number;
  record_id: string;
  chunk_index: number;
  first_line: number;
  line_count: number;
  /** Bytes of the log text (UTF-8 lines plus a newline each), as a raw download would have. */
  text_bytes: number;
  /** Bytes of the chunk file that belong to the committed lines; anything after it is discarded. */
  file_bytes: number;
  file_path: string;
  updated_at: string;
}

export interface ArtifactTable {
  id: Generated<number>;
  run_id: number;
  record_id: string | null;
  name: string;
  manifest_ref: string;
  size_bytes: number;
  file_count: number;
  created_at: string;
}

export interface TestRunTable {
  id: Generated<number>;
  run_id: number;
  record_id: string | null;
  title: string;
  format: string;
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  duration_ms: number;
  created_at: string;
}

export interface AgentTable {
  id: Generated<number>;
  name: string;
  pool: string;
  capabilities_json: string;
  version: string | null;
  status: string;
  registered_at: string;
  last_heartbeat_at: string | null;
}

export interface JobQueueTable {
  id: Generated<number>;
  run_id: number;
  record_id: string;
  pool: string;
  demands_json: string;
  /** `pool: vmImage` of a hosted-pool job; null for other jobs. */
  vm_image: string | null;
  payload_json: string;
  status: string;
  lease_owner: number | null;
  lease_expires_at: string | null;
  attempts: number;
  queued_at: string;
  claimed_at: string | null;
  finished_at: string | null;
  result: string | null;
  failure_reason: string | null;
  /** SecretBox envelope of the JobOutcome JSON the agent reported; null before completion or when none was sent. */
  outcome_sealed: string | null;
}

export interface TokenTable {
  id: Generated<number>;
  kind: string;
  name: string;
  /** SHA-256 of the token, hex; the token itself is shown once and never stored. */
  token_hash: string;
  owner: string | null;
  created_at: string;
  expires_at: string | null;
  last_used_at: string | null;
  revoked_at: string | null;
}

export interface CounterTable {
  pipeline_id: number;
  /** `counter` for counter(prefix, seed), `revision` for $(Rev:r). */
  namespace: string;
  prefix: string;
  value: number;
}
