import type { IssueEvent, RunEvent } from '../../events/run-event.js';
import { formatIssue, repeatsIssue } from './issue-text.js';
import { Timeline, type TimelineRecord } from '../../events/timeline.js';
import { formatDuration, formatMilliseconds } from './format-duration.js';
import type { RunReporter } from './run-reporter.js';
import type { RunSummary } from './run-summary.js';
import { paint, statusSymbol } from './result-symbols.js';
import { formatSummaryLines } from './summary-lines.js';

/** Output lines kept per step, so a failed step can show its tail. */
export const FAILED_STEP_TAIL_LINES = 200;

/** Issues and warning or error lines shown per record in the final print; the rest are counted. */
export const NOTES_SHOWN_PER_RECORD = 50;

/** Redraws per second of the live area. */
const FRAMES_PER_SECOND = 10;

export interface TerminalStream {
  write(text: string): unknown;
  columns?: number;
}

/**
 * The live view on a terminal: a tree of stages, jobs and steps with status and
 * duration. Stages that finished are printed once and leave the live area, so the
 * area stays small and scrollback keeps the history. A failed step's output is
 * printed under it when its stage is printed.
 */
export class TreeReporter implements RunReporter {
  private readonly timeline = new Timeline();
  private readonly outputTails = new Map<string, string[]>();
  private readonly printed = new Set<string>();
  /** Issues and `##[warning]`/`##[error]` lines per record, shown under it in the final print. */
  private readonly notes = new Map<string, { type: 'error' | 'warning'; text: string }[]>();
  private lastIssue: IssueEvent | undefined;
  private liveLineCount = 0;
  private frame = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly stream: TerminalStream,
    private readonly options: { color: boolean },
  ) {}

  onEvent(event: RunEvent): void {
    this.timeline.apply(event);
    const lastIssue = this.lastIssue;
    this.lastIssue = undefined;
    if (event.type === 'log') {
      this.keepOutput(event.recordId, event.line);
      // A task.logissue line repeats the issue just noted; other ##[warning] and ##[error] lines are noted on their own.
      const isNote = event.format === 'warning' || event.format === 'error';
      if (isNote && !(lastIssue && repeatsIssue(event, lastIssue))) this.addNote(event.recordId, event.format as 'warning' | 'error', `${event.format}: ${event.line}`);
    }
    if (event.type === 'issue') {
      this.addNote(event.recordId, event.issueType, formatIssue({ ...event, type: event.issueType }));
      this.lastIssue = event;
    }
    if (event.type === 'record-finished' && event.record.parentId === undefined) this.printFinishedRoots();
    this.timer ??= setInterval(() => this.redraw(), 1000 / FRAMES_PER_SECOND);
  }

  finish(summary: RunSummary): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.clearLiveArea();
    for (const root of this.timeline.rootRecords()) {
      if (!this.printed.has(root.id)) this.printRecord(root);
    }
    this.stream.write('\n' + formatSummaryLines(summary, this.options.color).join('\n') + '\n');
  }

  private keepOutput(recordId: string, line: string): void {
    let tail = this.outputTails.get(recordId);
    if (!tail) {
      tail = [];
      this.outputTails.set(recordId, tail);
    }
    tail.push(line);
    if (tail.length > FAILED_STEP_TAIL_LINES) tail.shift();
  }

  private addNote(recordId: string, type: 'error' | 'warning', text: string): void {
    let notes = this.notes.get(recordId);
    if (!notes) {
      notes = [];
      this.notes.set(recordId, notes);
    }
    notes.push({ type, text });
  }

  private printFinishedRoots(): void {
    this.clearLiveArea();
    for (const root of this.timeline.rootRecords()) {
      if (root.state === 'completed' && !this.printed.has(root.id)) this.printRecord(root);
    }
    this.redraw();
  }

  private printRecord(root: TimelineRecord): void {
    this.printed.add(root.id);
    const lines: string[] = [];
    this.renderTree(root, 0, lines, true);
    this.stream.write(lines.join('\n') + '\n');
  }

  private redraw(): void {
    this.frame += 1;
    const lines: string[] = [];
    for (const root of this.timeline.rootRecords()) {
      if (!this.printed.has(root.id)) this.renderTree(root, 0, lines, false);
    }
    this.clearLiveArea();
    if (lines.length > 0) this.stream.write(lines.join('\n') + '\n');
    this.liveLineCount = lines.length;
  }

  private clearLiveArea(): void {
    if (this.liveLineCount === 0) return;
    // Move up over the live area, then clear from there to the end of the screen.
    this.stream.write(`\u001b[${this.liveLineCount}F\u001b[J`);
    this.liveLineCount = 0;
  }

  private renderTree(record: TimelineRecord, depth: number, lines: string[], final: boolean): void {
    lines.push(this.fit(`${'  '.repeat(depth)}${statusSymbol(record, this.options.color, this.frame)} ${record.displayName}${this.timing(record)}${this.reasonText(record)}`));
    if (final) this.renderNotes(record, depth + 1, lines);
    for (const child of this.timeline.childrenOf(record)) this.renderTree(child, depth + 1, lines, final);

    // A failed step's output goes under it, only in the final print of the stage.
    if (final && record.type === 'step' && record.result === 'failed') {
      const indent = '  '.repeat(depth + 2);
      for (const line of this.outputTails.get(record.id) ?? []) lines.push(`${indent}${paint('│', 90, this.options.color)} ${line}`);
    }
  }

  private renderNotes(record: TimelineRecord, depth: number, lines: string[]): void {
    const notes = this.notes.get(record.id) ?? [];
    const indent = '  '.repeat(depth);
    for (const note of notes.slice(0, NOTES_SHOWN_PER_RECORD)) {
      const symbol = note.type === 'error' ? paint('✗', 31, this.options.color) : paint('!', 33, this.options.color);
      lines.push(`${indent}${symbol} ${note.text}`);
    }
    if (notes.length > NOTES_SHOWN_PER_RECORD) lines.push(`${indent}… and ${notes.length - NOTES_SHOWN_PER_RECORD} more warnings and errors`);
  }

  private timing(record: TimelineRecord): string {
    if (record.state === 'inProgress' && record.startTime) {
      return paint(`  ${formatMilliseconds(Date.now() - Date.parse(record.startTime))}`, 90, this.options.color);
    }
    const duration = formatDuration(record.startTime, record.finishTime);
    return duration && record.result !== 'skipped' ? paint(`  ${duration}`, 90, this.options.color) : '';
  }

  private reasonText(record: TimelineRecord): string {
    if (record.state !== 'completed' || !record.reason || record.result === 'succeeded') return '';
    return paint(`  (${record.reason})`, 90, this.options.color);
  }

  /** Cuts a live line to the terminal width so the line count stays exact. */
  private fit(line: string): string {
    const width = this.stream.columns;
    if (!width || visibleLength(line) <= width) return line;
    let visible = 0;
    let result = '';
    for (let index = 0; index < line.length; index += 1) {
      const escape = /^\u001b\[[0-9;]*[A-Za-z]/.exec(line.slice(index));
      if (escape) {
        result += escape[0];
        index += escape[0].length - 1;
        continue;
      }
      if (visible >= width - 1) break;
      result += line[index];
      visible += 1;
    }
    return result + (this.options.color ? '\u001b[0m' : '');
  }
}

function visibleLength(line: string): number {
  return line.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '').length;
}
