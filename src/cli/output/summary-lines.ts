import type { TaskResult } from '../../events/task-result.js';
import { formatDuration } from './format-duration.js';
import { paint, resultColor } from './result-symbols.js';
import type { RunSummary } from './run-summary.js';

const RESULT_WORDS: Record<TaskResult, string> = {
  succeeded: 'succeeded',
  succeededWithIssues: 'succeeded with issues',
  failed: 'failed',
  canceled: 'was canceled',
  skipped: 'was skipped',
};

/**
 * The closing lines for a terminal: the run's result, counts of jobs by result,
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

  for (const { stage, job } of jobs) {
    if (job.result === 'succeeded') continue;
    const reason = job.reason ?? job.steps.find((step) => step.result === job.result)?.reason;
    lines.push(`  ${stage.name} › ${job.displayName}: ${job.result}${reason ? ` (${reason})` : ''}`);
  }
  for (const stage of summary.stages) {
    if (stage.jobs.length === 0 && stage.result !== 'succeeded') {
      lines.push(`  ${stage.displayName}: ${stage.result}${stage.reason ? ` (${stage.reason})` : ''}`);
    }
  }
  return lines;
}
