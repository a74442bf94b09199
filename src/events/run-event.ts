import type { TaskResult } from './task-result.js';

/** The kind of an entry in a run's timeline. */
export type RecordType = 'stage' | 'job' | 'step';

/**
 * Identifies a timeline record. `id` is unique within the run and stable:
 * `Stage`, `Stage.Job` (with the matrix leg, as in `Test.Tests_py311`), `Stage.Job.3`
 * for the third step. `parentId` is the enclosing stage or job.
 */
export interface RecordRef {
  id: string;
  parentId?: string;
  type: RecordType;
  /** Reference name: stage or job name (with leg), or step `name`. */
  name: string;
  displayName: string;
}

export interface RunStartedEvent {
  type: 'run-started';
  runId: string;
  pipeline: string;
  time: string;
}

export interface RecordStartedEvent {
  type: 'record-started';
  record: RecordRef;
  time: string;
}

export interface RecordFinishedEvent {
  type: 'record-finished';
  record: RecordRef;
  result: TaskResult;
  /** Human-readable reason for a skipped, failed or canceled record. */
  reason?: string;
  time: string;
}

/** One line of a step's output, already decoded and with secrets masked. */
export interface LogEvent {
  type: 'log';
  recordId: string;
  stream: 'stdout' | 'stderr' | 'system';
  line: string;
  /** Set for `##[group]`, `##[warning]` and the other formatting commands. */
  format?: 'group' | 'endgroup' | 'warning' | 'error' | 'section' | 'debug' | 'command';
  time: string;
}

/** An error or warning attached to a record (`task.logissue`, `##[error]`, a failure). */
export interface IssueEvent {
  type: 'issue';
  recordId: string;
  issueType: 'error' | 'warning';
  message: string;
  sourcePath?: string;
  line?: number;
  column?: number;
  code?: string;
  time: string;
}

/** A variable set by `task.setvariable`; secret values arrive as `***`. */
export interface VariableSetEvent {
  type: 'variable-set';
  recordId: string;
  name: string;
  value: string;
  isSecret: boolean;
  isOutput: boolean;
  time: string;
}

export type RunEvent =
  | RunStartedEvent
  | RecordStartedEvent
  | RecordFinishedEvent
  | LogEvent
  | IssueEvent
  | VariableSetEvent;

/** Receives events as they happen. In-process it is a callback; agents send them as JSON. */
export type EventSink = (event: RunEvent) => void;

export function now(): string {
  return new Date().toISOString();
}
