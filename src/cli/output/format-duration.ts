/** Formats the time between two ISO timestamps as `850ms`, `12.3s` or `4m 05s`. */
export function formatDuration(startTime?: string, finishTime?: string): string {
  if (!startTime || !finishTime) return '';
  const milliseconds = Date.parse(finishTime) - Date.parse(startTime);
  return formatMilliseconds(milliseconds);
}

export function formatMilliseconds(milliseconds: number): string {
  if (!Number.isFinite(milliseconds) || milliseconds < 0) return '';
  if (milliseconds < 1000) return `${Math.round(milliseconds)}ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)}s`;
  const minutes = Math.floor(milliseconds / 60_000);
  const seconds = Math.floor((milliseconds % 60_000) / 1000);
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}
