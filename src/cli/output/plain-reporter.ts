import type { IssueEvent, RunEvent } from '../../events/run-event.js';
import { formatIssue, repeatsIssue } from './issue-text.js';
import { Timeline, type TimelineRecord } from '../../events/timeline.js';
import { formatDuration } from './format-duration.js';
import type { RunReporter } from './run-reporter.js';
import type { RunSummary } from './run-summary.js';
import { paint, resultColor } from './result-symbols.js';
import { formatSummaryLines } from './summary-lines.js';

/**
 * Output for logs and pipes: one line per event, every output line prefixed
 * with the id of the job that wrote it, so interleaved parallel jobs stay readable.
 */
export class PlainReporter implements RunReporter {
  private readonly timeline = new Timeline();
  /**
   * The issue just printed. `task.logissue` emits the issue and then the same
   * message as a formatted log line, and that line is skipped so each issue prints once.
   */
  private lastIssue: IssueEvent | undefined;

  constructor(
    private readonly write: (text: string) => void,
    private readonly options: { color: boolean; showOutput: boolean },
  ) {}

  onEvent(event: RunEvent): void {
    const record = this.timeline.apply(event);
    const lastIssue = this.lastIssue;
    this.lastIssue = undefined;
    switch (event.type) {
      case 'record-started':
        this.write(`${this.prefix(record!)}${event.record.type} '${event.record.displayName}' started\n`);
        break;
      case 'record-finished': {
        const duration = formatDuration(record!.startTime, record!.finishTime);
        const result = paint(event.result, resultColor(event.result), this.options.color);
        const reason = event.reason ? `: ${event.reason}` : '';
        const timing = duration ? ` (${duration})` : '';
        this.write(`${this.prefix(record!)}${event.record.type} '${event.record.displayName}' ${result}${timing}${reason}\n`);
        break;
      }
      case 'log':
        if (lastIssue && repeatsIssue(event, lastIssue)) break;
        if (this.options.showOutput) this.write(`${this.prefixFor(event.recordId)}${decorate(event.line, event.format)}\n`);
        break;
      case 'issue': {
        const text = formatIssue({ ...event, type: event.issueType });
        this.write(`${this.prefixFor(event.recordId)}${paint(text, event.issueType === 'error' ? 31 : 33, this.options.color)}\n`);
        this.lastIssue = event;
        break;
      }
      default:
        break;
    }
  }

  finish(summary: RunSummary): void {
    this.write('\n' + formatSummaryLines(summary, this.options.color).join('\n') + '\n');
  }

  private prefixFor(recordId: string): string {
    const record = this.timeline.get(recordId);
    return record ? this.prefix(record) : `[${recordId}] `;
  }

  /** The job's id for job and step records, the stage's id for stages. */
  private prefix(record: TimelineRecord): string {
    if (record.type === 'step' && record.parentId) return `[${record.parentId}] `;
    return `[${record.id}] `;
  }
}

function decorate(line: string, format: string | undefined): string {
  if (!format) return line;
  if (format === 'endgroup') return '##[endgroup]';
  return `##[${format}]${line}`;
}
