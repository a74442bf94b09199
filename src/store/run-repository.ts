import type { Selectable } from 'kysely';
import type { TaskResult } from '../events/task-result.js';
import { isForeignKeyViolation, notFoundError } from './database-errors.js';
import { parseJsonColumn, type StoreDatabase } from './store-database.js';
import type { RunTable } from './store-schema.js';

/**
 * Build.Reason values the server starts runs for: a subset of Azure DevOps'
 * BuildReason enum (learn.microsoft.com/javascript/api/azure-devops-extension-api/buildreason).
 */
export type RunTriggerReason = 'Manual' | 'IndividualCI' | 'BatchedCI' | 'PullRequest' | 'Schedule';

/** A run's life: waiting for its first job, running, asked to stop, or finished. */
export type RunStatus = 'queued' | 'inProgress' | 'cancelling' | 'completed';

/** The page size of `list` when the caller gives none, and the largest one it accepts. */
export const DEFAULT_RUN_PAGE_SIZE = 50;
export const MAX_RUN_PAGE_SIZE = 500;

/** The value that replaces secret values wherever a run is shown. */
export const MASKED_VALUE = '***';

/** Trigger of a run: the reason, branch, commit and pull request. */
export interface RunTrigger {
  reason: RunTriggerReason;
  /** Full ref, as in Build.SourceBranch: `refs/heads/main`, `refs/pull/7/merge`. */
  branch: string;
  /** Commit SHA, as in Build.SourceVersion. */
  commit: string;
  pullRequestNumber?: number;
}

/** A variable set when the run was queued. */
export interface QueueTimeVariable {
  value: string;
  isSecret: boolean;
}

/** A run to queue, as the server passes it. */
export interface NewRun {
  pipelineId: number;
  trigger: RunTrigger;
  parameters?: Record<string, unknown>;
  /**
   * Queue-time variables. Secret values are encrypted with the server key
   * (AES-256-GCM); without a key a secret value is rejected with STORE007.
   */
  variables?: Record<string, QueueTimeVariable>;
  requestedBy: string;
}

/** A run as listed and shown. Secret queue-time values read `***`. */
export interface Run {
  id: number;
  pipelineId: number;
  /** Build.BuildNumber from the `name:` format; undefined until the server has computed it. */
  runNumber?: string;
  status: RunStatus;
  result?: TaskResult;
  reason?: string;
  trigger: RunTrigger;
  parameters: Record<string, unknown>;
  variables: Record<string, QueueTimeVariable>;
  requestedBy: string;
  queuedAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** Filters and paging for `list`: newest first, `beforeId` continues after the last run of a page. */
export interface RunQuery {
  pipelineId?: number;
  status?: RunStatus;
  branch?: string;
  beforeId?: number;
  limit?: number;
}

type StoredVariable = { value: string } | { sealed: string };

/** Runs of pipelines: trigger, parameters, queue-time variables, status and result. */
export class RunRepository {
  constructor(private readonly store: StoreDatabase) {}

  /** Queues a run; its run number is set later with `setRunNumber`, because the format may use the run id. */
  async create(input: NewRun): Promise<Run> {
    const variablesJson = JSON.stringify(this.sealVariables(input.variables ?? {}));
    try {
      return toRun(await this.insert(input, variablesJson));
    } catch (error) {
      if (isForeignKeyViolation(error)) throw notFoundError('pipeline', input.pipelineId);
      throw error;
    }
  }

  private insert(input: NewRun, variablesJson: string) {
    return this.store.db
      .insertInto('runs')
      .values({
        pipeline_id: input.pipelineId,
        run_number: null,
        status: 'queued',
        result: null,
        reason: null,
        trigger_reason: input.trigger.reason,
        source_branch: input.trigger.branch,
        source_version: input.trigger.commit,
        pull_request_number: input.trigger.pullRequestNumber ?? null,
        parameters_json: JSON.stringify(input.parameters ?? {}),
        variables_json: variablesJson,
        requested_by: input.requestedBy,
        queued_at: this.store.now(),
        started_at: null,
        finished_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Returns the run, or undefined. */
  async get(id: number): Promise<Run | undefined> {
    const row = await this.store.db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toRun(row);
  }

  /** Lists runs newest first. */
  async list(query: RunQuery = {}): Promise<Run[]> {
    const limit = Math.min(Math.max(query.limit ?? DEFAULT_RUN_PAGE_SIZE, 1), MAX_RUN_PAGE_SIZE);
    const rows = await this.store.db
      .selectFrom('runs')
      .selectAll()
      .$if(query.pipelineId !== undefined, (q) => q.where('pipeline_id', '=', query.pipelineId!))
      .$if(query.status !== undefined, (q) => q.where('status', '=', query.status!))
      .$if(query.branch !== undefined, (q) => q.where('source_branch', '=', query.branch!))
      .$if(query.beforeId !== undefined, (q) => q.where('id', '<', query.beforeId!))
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toRun);
  }

  /** Stores Build.BuildNumber once the server has formatted it. */
  async setRunNumber(id: number, runNumber: string): Promise<void> {
    await this.updateOrThrow(id, { run_number: runNumber });
  }

  /** Marks the run started when its first job starts; a later call keeps the first start time. */
  async markStarted(id: number): Promise<void> {
    const time = this.store.now();
    await this.store.write(async (trx) => {
      const row = await trx.selectFrom('runs').select(['status', 'started_at']).where('id', '=', id).executeTakeFirst();
      if (row === undefined) throw notFoundError('run', id);
      if (row.status !== 'queued') return;
      await trx.updateTable('runs').set({ status: 'inProgress', started_at: row.started_at ?? time }).where('id', '=', id).execute();
    });
  }

  /** Records a cancel request; returns false when the run had already completed. */
  async requestCancel(id: number): Promise<boolean> {
    const result = await this.store.db
      .updateTable('runs')
      .set({ status: 'cancelling' })
      .where('id', '=', id)
      .where('status', 'in', ['queued', 'inProgress'])
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return true;
    if ((await this.get(id)) === undefined) throw notFoundError('run', id);
    return false;
  }

  /**
   * Opens a completed run again for a new attempt (a re-run of its failed
   * jobs): in progress, without result, reason or finish time. Returns false
   * when the run has not completed.
   */
  async reopen(id: number): Promise<boolean> {
    const result = await this.store.db
      .updateTable('runs')
      .set({ status: 'inProgress', result: null, reason: null, finished_at: null })
      .where('id', '=', id)
      .where('status', '=', 'completed')
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) > 0) return true;
    if ((await this.get(id)) === undefined) throw notFoundError('run', id);
    return false;
  }

  /** Stores the final result; `reason` explains a failed or canceled run in a user's words. */
  async complete(id: number, result: TaskResult, reason?: string): Promise<void> {
    await this.updateOrThrow(id, { status: 'completed', result, reason: reason ?? null, finished_at: this.store.now() });
  }

  /** Returns the queue-time variables with secret values decrypted, for building job requests only. */
  async queueTimeVariables(id: number): Promise<Record<string, QueueTimeVariable>> {
    const row = await this.store.db.selectFrom('runs').select('variables_json').where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw notFoundError('run', id);
    const stored = parseJsonColumn<Record<string, StoredVariable>>(row.variables_json, 'runs.variables_json');
    const variables: Record<string, QueueTimeVariable> = {};
    for (const [name, entry] of Object.entries(stored)) {
      variables[name] =
        'sealed' in entry ? { value: this.store.secrets.open(entry.sealed, variableContext(name)), isSecret: true } : { value: entry.value, isSecret: false };
    }
    return variables;
  }

  private sealVariables(variables: Record<string, QueueTimeVariable>): Record<string, StoredVariable> {
    const stored: Record<string, StoredVariable> = {};
    for (const [name, variable] of Object.entries(variables)) {
      stored[name] = variable.isSecret ? { sealed: this.store.secrets.seal(variable.value, variableContext(name)) } : { value: variable.value };
    }
    return stored;
  }

  private async updateOrThrow(id: number, values: Partial<Omit<Selectable<RunTable>, 'id'>>): Promise<void> {
    const result = await this.store.db.updateTable('runs').set(values).where('id', '=', id).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFoundError('run', id);
  }
}

function variableContext(name: string): string {
  return `queue-time variable ${name}`;
}

function toRun(row: Selectable<RunTable>): Run {
  const stored = parseJsonColumn<Record<string, StoredVariable>>(row.variables_json, 'runs.variables_json');
  const variables: Record<string, QueueTimeVariable> = {};
  for (const [name, entry] of Object.entries(stored)) {
    variables[name] = 'sealed' in entry ? { value: MASKED_VALUE, isSecret: true } : { value: entry.value, isSecret: false };
  }

  const trigger: RunTrigger = { reason: row.trigger_reason as RunTriggerReason, branch: row.source_branch, commit: row.source_version };
  if (row.pull_request_number !== null) trigger.pullRequestNumber = row.pull_request_number;

  const run: Run = {
    id: row.id,
    pipelineId: row.pipeline_id,
    status: row.status as RunStatus,
    trigger,
    parameters: parseJsonColumn<Record<string, unknown>>(row.parameters_json, 'runs.parameters_json'),
    variables,
    requestedBy: row.requested_by,
    queuedAt: row.queued_at,
  };
  if (row.run_number !== null) run.runNumber = row.run_number;
  if (row.result !== null) run.result = row.result as TaskResult;
  if (row.reason !== null) run.reason = row.reason;
  if (row.started_at !== null) run.startedAt = row.started_at;
  if (row.finished_at !== null) run.finishedAt = row.finished_at;
  return run;
}
