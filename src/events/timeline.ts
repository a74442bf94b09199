import type { RecordRef, RecordType, RunEvent } from './run-event.js';
import type { TaskResult } from './task-result.js';

/** An error or warning on a record, with the location and code of `task.logissue` when given. */
export interface TimelineIssue {
  type: 'error' | 'warning';
  message: string;
  sourcePath?: string;
  line?: number;
  column?: number;
  code?: string;
}

/** One stage, job or step of a run as the timeline shows it. */
export interface TimelineRecord {
  id: string;
  parentId?: string;
  type: RecordType;
  name: string;
  displayName: string;
  state: 'pending' | 'inProgress' | 'completed';
  result?: TaskResult;
  reason?: string;
  startTime?: string;
  finishTime?: string;
  /** Issues (errors and warnings) reported on the record, secrets already masked. */
  issues: TimelineIssue[];
  /** Child record ids in the order they first appeared. */
  children: string[];
}

/**
 * The run's timeline, built from events. The CLI renders it live, the JSON
 * summary serialises it, and the server will store it, so all three agree.
 */
export class Timeline {
  private readonly records = new Map<string, TimelineRecord>();
  private readonly roots: string[] = [];
  /** Records whose parent has not appeared yet, by parent id; attached when it does. */
  private readonly orphans = new Map<string, string[]>();

  /** Applies one event; events for unknown parents create the record on the fly. */
  apply(event: RunEvent): TimelineRecord | undefined {
    switch (event.type) {
      case 'record-started': {
        const record = this.ensure(event.record);
        record.state = 'inProgress';
        record.startTime = event.time;
        return record;
      }
      case 'record-finished': {
        const record = this.ensure(event.record);
        record.state = 'completed';
        record.result = event.result;
        record.reason = event.reason;
        record.finishTime = event.time;
        record.startTime ??= event.time;
        return record;
      }
      case 'issue': {
        const record = this.records.get(event.recordId);
        if (!record) return undefined;
        const issue: TimelineIssue = { type: event.issueType, message: event.message };
        if (event.sourcePath !== undefined) issue.sourcePath = event.sourcePath;
        if (event.line !== undefined) issue.line = event.line;
        if (event.column !== undefined) issue.column = event.column;
        if (event.code !== undefined) issue.code = event.code;
        record.issues.push(issue);
        return record;
      }
      default:
        return undefined;
    }
  }

  get(id: string): TimelineRecord | undefined {
    return this.records.get(id);
  }

  /** Top-level records (stages) in the order they appeared; records whose parent never appeared come last. */
  rootRecords(): TimelineRecord[] {
    const orphaned = [...this.orphans.values()].flat();
    return [...this.roots, ...orphaned].map((id) => this.records.get(id)!);
  }

  childrenOf(record: TimelineRecord): TimelineRecord[] {
    return record.children.map((id) => this.records.get(id)!);
  }

  /** Every record, parents before children. */
  *walk(): Generator<TimelineRecord> {
    const visit = function* (timeline: Timeline, record: TimelineRecord): Generator<TimelineRecord> {
      yield record;
      for (const child of timeline.childrenOf(record)) yield* visit(timeline, child);
    };
    for (const root of this.rootRecords()) yield* visit(this, root);
  }

  private ensure(ref: RecordRef): TimelineRecord {
    const existing = this.records.get(ref.id);
    if (existing) {
      existing.displayName = ref.displayName;
      return existing;
    }
    const record: TimelineRecord = {
      id: ref.id,
      parentId: ref.parentId,
      type: ref.type,
      name: ref.name,
      displayName: ref.displayName,
      state: 'pending',
      issues: [],
      children: [],
    };
    this.records.set(ref.id, record);

    // A skipped stage may report its jobs before itself: keep them until it appears.
    if (ref.parentId === undefined) this.roots.push(ref.id);
    else if (this.records.has(ref.parentId)) this.records.get(ref.parentId)!.children.push(ref.id);
    else this.orphans.set(ref.parentId, [...(this.orphans.get(ref.parentId) ?? []), ref.id]);

    const waiting = this.orphans.get(ref.id);
    if (waiting) {
      record.children.push(...waiting);
      this.orphans.delete(ref.id);
    }
    return record;
  }
}
