import type { TaskResult } from '../../events/task-result.js';
import type { TimelineRecord } from '../../events/timeline.js';

const SYMBOLS: Record<TaskResult, string> = {
  succeeded: '✓',
  succeededWithIssues: '!',
  failed: '✗',
  canceled: '⊘',
  skipped: '-',
};

const COLORS: Record<TaskResult, number> = {
  succeeded: 32,
  succeededWithIssues: 33,
  failed: 31,
  canceled: 35,
  skipped: 90,
};

/** Wraps text in an ANSI SGR color when `enabled`. */
export function paint(text: string, color: number, enabled: boolean): string {
  return enabled ? `\u001b[${color}m${text}\u001b[0m` : text;
}

/** The one-character status of a record: a spinner frame while it runs. */
export function statusSymbol(record: TimelineRecord, color: boolean, frame = 0): string {
  if (record.state === 'pending') return paint('·', 90, color);
  if (record.state === 'inProgress') return paint('⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏'[frame % 10]!, 36, color);
  const result = record.result ?? 'succeeded';
  return paint(SYMBOLS[result], COLORS[result], color);
}

export function resultColor(result: TaskResult): number {
  return COLORS[result];
}
