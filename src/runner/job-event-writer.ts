import { now, type EventSink, type IssueEvent, type LogEvent, type RecordRef } from '../events/run-event.js';
import type { TaskResult } from '../events/task-result.js';
import type { SecretMasker } from './secret-masker.js';

/**
 * Maximum length of a log line, in characters, sent as one LogEvent. Longer lines
 * are split into several events, never dropped. 64 KiB keeps a minified bundle or
 * a long JSON dump readable while bounding the size of one event.
 */
export const DEFAULT_MAX_LOG_LINE_LENGTH = 64 * 1024;

/** Optional issue fields besides the type and message. */
export interface IssueDetails {
  sourcePath?: string;
  line?: number;
  column?: number;
  code?: string;
}

/**
 * Sends a job's events to the sink with every secret masked first. Masking
 * happens before a long line is split, so a secret is never cut in two halves
 * that each escape the mask.
 */
export class JobEventWriter {
  constructor(
    private readonly sink: EventSink,
    private readonly masker: SecretMasker,
    private readonly maxLineLength = DEFAULT_MAX_LOG_LINE_LENGTH,
  ) {}

  /** Applies the current masks to any text; use it for text that leaves the runner by another route. */
  mask(text: string): string {
    return this.masker.mask(text);
  }

  /** Emits one output line, split into chunks of at most `maxLineLength` characters. */
  log(recordId: string, stream: LogEvent['stream'], line: string, format?: LogEvent['format']): void {
    const masked = this.masker.mask(line);
    const time = now();
    if (masked.length <= this.maxLineLength) {
      this.sink({ type: 'log', recordId, stream, line: masked, format, time });
      return;
    }
    for (let offset = 0; offset < masked.length; offset += this.maxLineLength) {
      this.sink({ type: 'log', recordId, stream, line: masked.slice(offset, offset + this.maxLineLength), format, time });
    }
  }

  /** Emits an issue attached to a step record. */
  issue(recordId: string, issueType: IssueEvent['issueType'], message: string, details: IssueDetails = {}): void {
    this.sink({
      type: 'issue',
      recordId,
      issueType,
      message: this.masker.mask(message),
      sourcePath: details.sourcePath === undefined ? undefined : this.masker.mask(details.sourcePath),
      line: details.line,
      column: details.column,
      code: details.code,
      time: now(),
    });
  }

  /** Emits a variable change; secret values are always sent as `***`. */
  variableSet(recordId: string, name: string, value: string, isSecret: boolean, isOutput: boolean): void {
    this.sink({
      type: 'variable-set',
      recordId,
      name: this.masker.mask(name),
      value: isSecret ? '***' : this.masker.mask(value),
      isSecret,
      isOutput,
      time: now(),
    });
  }

  recordStarted(record: RecordRef): void {
    this.sink({ type: 'record-started', record: { ...record, displayName: this.masker.mask(record.displayName) }, time: now() });
  }

  recordFinished(record: RecordRef, result: TaskResult, reason?: string): void {
    this.sink({
      type: 'record-finished',
      record: { ...record, displayName: this.masker.mask(record.displayName) },
      result,
      reason: reason === undefined ? undefined : this.masker.mask(reason),
      time: now(),
    });
  }
}
