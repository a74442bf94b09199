import type { IssueEvent, LogEvent } from '../../events/run-event.js';
import type { TimelineIssue } from '../../events/timeline.js';

/**
 * Formats an issue as one line: `warning CODE: message (file:line:col)`, with the
 * code and location only when the issue has them (`task.logissue` sets both).
 */
export function formatIssue(issue: TimelineIssue): string {
  const code = issue.code ? ` ${issue.code}` : '';
  return `${issue.type}${code}: ${issue.message}${formatIssueLocation(issue)}`;
}

function formatIssueLocation(issue: TimelineIssue): string {
  if (!issue.sourcePath) return '';
  let location = issue.sourcePath;
  if (issue.line !== undefined) {
    location += `:${issue.line}`;
    if (issue.column !== undefined) location += `:${issue.column}`;
  }
  return ` (${location})`;
}

/** True when `log` is the formatted copy of `issue` that `task.logissue` writes right after the issue. */
export function repeatsIssue(log: LogEvent, issue: IssueEvent): boolean {
  return log.recordId === issue.recordId && log.format === issue.issueType && log.line === issue.message;
}
