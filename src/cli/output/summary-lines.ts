import type { TaskResult } from '../../events/task-result.js';
import { formatDuration } from './format-duration.js';
import { paint, resultColor } from './result-symbols.js';
import type { RunSummary, SummaryJob, SummaryRecord } from './run-summary.js';

const RESULT_WORDS: Record<TaskResult, string> = {
  succeeded: 'succeeded',
  succeededWithIssues: 'succeeded with issues',
  failed: 'failed',
  canceled: 'was canceled',
  skipped: 'was skipped',
};

/**
 * Formats the closing lines for a terminal: the run's result, counts of jobs by result,
 * and each skipped, failed or canceled job with its reason.
 */
export function formatSummaryLines(summary: RunSummary, color: boolean): string[] {
  const jobs = summary.stages.flatMap((stage) => stage.jobs.map((job) => ({ stage, job })));
  const counts = new Map<TaskResult, number>();
  for (const { job } of jobs) counts.set(job.result, (counts.get(job.result) ?? 0) + 1);
  const countText = [...counts].map(([result, count]) => `${count} ${result}`).join(', ');

  const lines: string[] = [];
  const headline = `Run ${RESULT_WORDS[summary.result]} in ${formatDuration(summary.startTime, summary.finishTime) || '0ms'}`;
  lines.push(`${paint(headline, resultColor(summary.result), color)} (${jobs.length} ${jobs.length === 1 ? 'job' : 'jobs'}: ${countText || 'none'})`);
  const issueCounts = countIssues(summary);
  if (issueCounts.warning + issueCounts.error > 0) {
    lines.push(`  ${plural(issueCounts.warning, 'warning')}, ${plural(issueCounts.error, 'error')}`);
  }

  for (const { stage, job } of jobs) {
    if (job.result === 'succeeded') continue;
    const reason = job.reason ?? job.steps.find((step) => step.result === job.result)?.reason;
    lines.push(`  ${stage.name} › ${job.displayName}: ${job.result}${reason ? ` (${reason})` : ''}`);
  }
  lines.push(...formatTestLines(jobs.map(({ stage, job }) => ({ label: `${stage.name} › ${job.displayName}`, job }))));
  for (const stage of summary.stages) {
    if (stage.jobs.length === 0 && stage.result !== 'succeeded') {
      lines.push(`  ${stage.displayName}: ${stage.result}${stage.reason ? ` (${stage.reason})` : ''}`);
    }
  }
  return lines;
}

/** Counts the issues of every stage, job and step in the summary. */
function countIssues(summary: RunSummary): Record<'warning' | 'error', number> {
  const counts = { warning: 0, error: 0 };
  const add = (record: SummaryRecord): void => {
    for (const issue of record.issues ?? []) counts[issue.type] += 1;
  };
  for (const stage of summary.stages) {
    add(stage);
    for (const job of stage.jobs) {
      add(job);
      job.steps.forEach(add);
    }
  }
  return counts;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** Failed tests listed per job before the rest are only counted. */
export const FAILED_TESTS_SHOWN = 10;

/** Test counts per job that published results, then the failed tests by name. */
function formatTestLines(jobs: { label: string; job: SummaryJob }[]): string[] {
  const lines: string[] = [];
  for (const { label, job } of jobs) {
    const runs = job.testResults ?? [];
    if (runs.length === 0) continue;
    const total = (key: 'total' | 'passed' | 'failed' | 'skipped'): number => runs.reduce((sum, run) => sum + run[key], 0);
    lines.push(`  tests in ${label}: ${total('passed')} passed, ${total('failed')} failed, ${total('skipped')} skipped (${total('total')} total)`);
    const failed = runs.flatMap((run) => run.failedTests);
    for (const test of failed.slice(0, FAILED_TESTS_SHOWN)) lines.push(`    ✗ ${test.name}${test.message ? `: ${firstLine(test.message)}` : ''}`);
    if (failed.length > FAILED_TESTS_SHOWN) lines.push(`    … and ${failed.length - FAILED_TESTS_SHOWN} more failed tests`);
  }
  return lines;
}

function firstLine(text: string): string {
  return text.split('\n')[0]!.slice(0, 200);
}
