import type { RecordState, RunStatus, TaskResult } from './api-types.js';

/** The visual tone of a status badge; CSS gives each a color and an icon. */
export type StatusTone = 'succeeded' | 'warning' | 'failed' | 'canceled' | 'skipped' | 'running' | 'pending';

/** A status as shown: its words and its tone. */
export interface StatusView {
  label: string;
  tone: StatusTone;
}

const RESULT_VIEWS: Record<TaskResult, StatusView> = {
  succeeded: { label: 'Succeeded', tone: 'succeeded' },
  succeededWithIssues: { label: 'Succeeded with issues', tone: 'warning' },
  failed: { label: 'Failed', tone: 'failed' },
  canceled: { label: 'Canceled', tone: 'canceled' },
  skipped: { label: 'Skipped', tone: 'skipped' },
};

/** Describes a run: its result once completed, else its status. */
export function runStatusView(status: RunStatus, result: TaskResult | undefined): StatusView {
  if (status === 'completed') return result === undefined ? { label: 'Completed', tone: 'succeeded' } : RESULT_VIEWS[result];
  if (status === 'queued') return { label: 'Queued', tone: 'pending' };
  if (status === 'cancelling') return { label: 'Cancelling', tone: 'running' };
  return { label: 'Running', tone: 'running' };
}

/** Describes a timeline record: its result once completed, else its state. */
export function recordStatusView(state: RecordState, result: TaskResult | undefined): StatusView {
  if (state === 'completed') return result === undefined ? { label: 'Completed', tone: 'succeeded' } : RESULT_VIEWS[result];
  if (state === 'inProgress') return { label: 'Running', tone: 'running' };
  return { label: 'Pending', tone: 'pending' };
}

/**
 * Formats the time between two ISO dates as `1h 2m`, `3m 4s` or `5s`; an
 * unfinished span runs to `now`. Returns an empty string without a start.
 */
export function formatDuration(start: string | undefined, finish: string | undefined, now: number = Date.now()): string {
  if (start === undefined) return '';
  const end = finish === undefined ? now : Date.parse(finish);
  return formatMilliseconds(Math.max(0, end - Date.parse(start)));
}

/** Formats a length of time in milliseconds as `1h 2m`, `3m 4s`, `5s` or `120ms`. */
export function formatMilliseconds(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const seconds = Math.floor(ms / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  if (hours > 0) return `${hours}h ${minutes}m`;
  if (minutes > 0) return `${minutes}m ${seconds % 60}s`;
  return `${seconds}s`;
}

/** Formats an ISO date in the user's locale, or returns an empty string. */
export function formatTime(iso: string | undefined): string {
  if (iso === undefined) return '';
  return new Date(iso).toLocaleString();
}

/** Returns a branch without `refs/heads/`, as Build.SourceBranchName-style displays show it. */
export function shortBranch(ref: string): string {
  return ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : ref;
}

/** Returns the full ref for a branch name the user typed: `main` becomes `refs/heads/main`. */
export function fullBranchRef(branch: string): string {
  return branch.startsWith('refs/') ? branch : `refs/heads/${branch}`;
}

/** Returns the first 8 characters of a commit SHA. */
export function shortCommit(sha: string): string {
  return sha.slice(0, 8);
}

/** Formats a size in bytes with binary units (KiB, MiB, GiB). */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return unit === 0 ? `${value} B` : `${value.toFixed(1)} ${units[unit]}`;
}
