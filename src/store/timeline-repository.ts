import { sql, type Kysely, type Selectable } from 'kysely';
import type { IssueEvent, RecordRef, RecordType, RunEvent } from '../events/run-event.js';
import type { TaskResult } from '../events/task-result.js';
import type { TimelineRecord } from '../events/timeline.js';
import type { StoreDatabase } from './store-database.js';
import type { StoreSchema, TimelineIssueTable, TimelineRecordTable } from './store-schema.js';

/** An issue on a timeline record, with its source position when the step reported one. */
export interface StoredIssue {
  type: 'error' | 'warning';
  message: string;
  sourcePath?: string;
  line?: number;
  column?: number;
  code?: string;
  time: string;
}

/** A stage, job or step record of one attempt, as the server shows it. */
export interface StoredTimelineRecord {
  id: string;
  parentId?: string;
  type: RecordType;
  name: string;
  displayName: string;
  state: TimelineRecord['state'];
  result?: TaskResult;
  reason?: string;
  startTime?: string;
  finishTime?: string;
  /** Name of the agent that ran the job (and its steps). */
  agentName?: string;
  /** 1 for the first run of the record, 2 and up for retries. */
  attempt: number;
  issues: StoredIssue[];
}

/** Source of an event: the job's attempt and the agent that ran it. */
export interface TimelineEventContext {
  attempt?: number;
  agentName?: string;
}

/**
 * The timeline of each run: one row per record and attempt, kept in the order
 * records first appeared, and their issues. Applying the same events gives the
 * same records as the in-memory `Timeline` of the events layer.
 */
export class TimelineRepository {
  constructor(private readonly store: StoreDatabase) {}

  /** Adds records as pending (the planned stages and jobs), so the UI shows them before they start. */
  async addPending(runId: number, records: RecordRef[], attempt = 1): Promise<void> {
    if (records.length === 0) return;
    await this.store.write(async (trx) => {
      let sequence = await nextSequence(trx, runId);
      for (const record of records) {
        const inserted = await trx
          .insertInto('timeline_records')
          .values({ ...refColumns(runId, record, attempt), state: 'pending', sequence })
          .onConflict((conflict) => conflict.columns(['run_id', 'record_id', 'attempt']).doNothing())
          .executeTakeFirst();
        if (Number(inserted.numInsertedOrUpdatedRows ?? 0n) > 0) sequence += 1;
      }
    });
  }

  /**
   * Applies `record-started`, `record-finished` and `issue` events; other
   * events are for the log store and the variables, and are ignored here.
   */
  async applyEvent(runId: number, event: RunEvent, context: TimelineEventContext = {}): Promise<void> {
    const attempt = context.attempt ?? 1;
    switch (event.type) {
      case 'record-started':
        await this.upsert(runId, event.record, attempt, {
          state: 'inProgress',
          start_time: event.time,
          agent_name: context.agentName ?? null,
        });
        return;
      case 'record-finished':
        await this.upsert(runId, event.record, attempt, {
          state: 'completed',
          result: event.result,
          reason: event.reason ?? null,
          finish_time: event.time,
          agent_name: context.agentName ?? null,
        });
        return;
      case 'issue':
        await this.addIssue(runId, event, attempt);
        return;
      default:
        return;
    }
  }

  /** Lists the records of a run in the order they first appeared: the latest attempt of each, or one attempt. */
  async list(runId: number, options: { attempt?: number } = {}): Promise<StoredTimelineRecord[]> {
    const rows = await this.store.db
      .selectFrom('timeline_records')
      .selectAll()
      .where('run_id', '=', runId)
      .$if(options.attempt !== undefined, (query) => query.where('attempt', '=', options.attempt!))
      .orderBy('sequence')
      .orderBy('attempt')
      .execute();
    const latest = new Map<string, Selectable<TimelineRecordTable>>();
    for (const row of rows) latest.set(row.record_id, row);

    const issues = await this.store.db.selectFrom('timeline_issues').selectAll().where('run_id', '=', runId).orderBy('id').execute();
    const issuesByRecord = new Map<string, StoredIssue[]>();
    for (const issue of issues) {
      const key = `${issue.record_id}\u0000${issue.attempt}`;
      const list = issuesByRecord.get(key) ?? [];
      list.push(toIssue(issue));
      issuesByRecord.set(key, list);
    }

    return [...latest.values()]
      .sort((a, b) => a.sequence - b.sequence)
      .map((row) => toRecord(row, issuesByRecord.get(`${row.record_id}\u0000${row.attempt}`) ?? []));
  }

  /** Returns one record (its latest attempt unless `attempt` is given), or undefined. */
  async get(runId: number, recordId: string, attempt?: number): Promise<StoredTimelineRecord | undefined> {
    const row = await this.store.db
      .selectFrom('timeline_records')
      .selectAll()
      .where('run_id', '=', runId)
      .where('record_id', '=', recordId)
      .$if(attempt !== undefined, (query) => query.where('attempt', '=', attempt!))
      .orderBy('attempt', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row === undefined) return undefined;
    const issues = await this.store.db
      .selectFrom('timeline_issues')
      .selectAll()
      .where('run_id', '=', runId)
      .where('record_id', '=', recordId)
      .where('attempt', '=', row.attempt)
      .orderBy('id')
      .execute();
    return toRecord(row, issues.map(toIssue));
  }

  /**
   * Updates the record's row, or inserts it when the record was never added.
   * The common case (a planned record that starts or finishes) is one UPDATE
   * instead of a transaction of four statements. Each job applies three such
   * events, so this is on the hot path of job dispatch.
   */
  private async upsert(
    runId: number,
    record: RecordRef,
    attempt: number,
    changes: Partial<Pick<Selectable<TimelineRecordTable>, 'state' | 'result' | 'reason' | 'start_time' | 'finish_time' | 'agent_name'>>,
  ): Promise<void> {
    if (await this.update(this.store.db, runId, record, attempt, changes)) return;

    await this.store.write(async (trx) => {
      // Another writer may have inserted the row since the update above.
      if (await this.update(trx, runId, record, attempt, changes)) return;
      const sequence = await nextSequence(trx, runId);
      // A finished event for a record that never started still gets a start time, as the events layer's Timeline does.
      const startTime = changes.start_time ?? changes.finish_time ?? null;
      await trx
        .insertInto('timeline_records')
        .values({ ...refColumns(runId, record, attempt), state: 'pending', sequence, ...changes, start_time: startTime })
        .execute();
    });
  }

  /** Applies `changes` to an existing row; returns false when the row does not exist. */
  private async update(
    db: Kysely<StoreSchema>,
    runId: number,
    record: RecordRef,
    attempt: number,
    changes: Partial<Pick<Selectable<TimelineRecordTable>, 'state' | 'result' | 'reason' | 'start_time' | 'finish_time' | 'agent_name'>>,
  ): Promise<boolean> {
    // The start time and agent name are kept in SQL, not read first: on PostgreSQL a concurrent
    // event (the server's record-started beside the claim's) may commit between a read and this update.
    const { agent_name: agentName, start_time: startTime, ...other } = changes;
    const firstStart = startTime ?? changes.finish_time ?? null;
    const result = await db
      .updateTable('timeline_records')
      .set({
        ...other,
        display_name: record.displayName,
        start_time: sql<string | null>`coalesce(start_time, ${firstStart})`,
        ...(agentName === undefined || agentName === null ? {} : { agent_name: agentName }),
      })
      .where('run_id', '=', runId)
      .where('record_id', '=', record.id)
      .where('attempt', '=', attempt)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  private async addIssue(runId: number, event: IssueEvent, attempt: number): Promise<void> {
    await this.store.db
      .insertInto('timeline_issues')
      .values({
        run_id: runId,
        record_id: event.recordId,
        attempt,
        issue_type: event.issueType,
        message: event.message,
        source_path: event.sourcePath ?? null,
        line: event.line ?? null,
        column_number: event.column ?? null,
        code: event.code ?? null,
        time: event.time,
      })
      .execute();
  }
}

async function nextSequence(trx: Kysely<StoreSchema>, runId: number): Promise<number> {
  const row = await trx
    .selectFrom('timeline_records')
    .select((eb) => eb.fn.max('sequence').as('sequence'))
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return Number(row?.sequence ?? 0) + 1;
}

function refColumns(runId: number, record: RecordRef, attempt: number) {
  return {
    run_id: runId,
    record_id: record.id,
    attempt,
    parent_id: record.parentId ?? null,
    type: record.type,
    name: record.name,
    display_name: record.displayName,
  };
}

function toIssue(row: Selectable<TimelineIssueTable>): StoredIssue {
  const issue: StoredIssue = { type: row.issue_type as StoredIssue['type'], message: row.message, time: row.time };
  if (row.source_path !== null) issue.sourcePath = row.source_path;
  if (row.line !== null) issue.line = row.line;
  if (row.column_number !== null) issue.column = row.column_number;
  if (row.code !== null) issue.code = row.code;
  return issue;
}

function toRecord(row: Selectable<TimelineRecordTable>, issues: StoredIssue[]): StoredTimelineRecord {
  const record: StoredTimelineRecord = {
    id: row.record_id,
    type: row.type as RecordType,
    name: row.name,
    displayName: row.display_name,
    state: row.state as TimelineRecord['state'],
    attempt: row.attempt,
    issues,
  };
  if (row.parent_id !== null) record.parentId = row.parent_id;
  if (row.result !== null) record.result = row.result as TaskResult;
  if (row.reason !== null) record.reason = row.reason;
  if (row.start_time !== null) record.startTime = row.start_time;
  if (row.finish_time !== null) record.finishTime = row.finish_time;
  if (row.agent_name !== null) record.agentName = row.agent_name;
  return record;
}
