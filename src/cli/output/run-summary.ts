import type { TaskResult } from '../../events/task-result.js';
import type { Timeline, TimelineIssue, TimelineRecord } from '../../events/timeline.js';
import type { JobCoverageSummary, JobTestRunSummary } from '../../runner/job-request.js';

/** A step, job or stage in the summary that `--output json` prints last. */
export interface SummaryRecord {
  name: string;
  displayName: string;
  result: TaskResult;
  startTime?: string;
  finishTime?: string;
  reason?: string;
  issues?: TimelineIssue[];
}

export interface SummaryJob extends SummaryRecord, JobDetails {
  steps: SummaryRecord[];
}

export interface SummaryStage extends SummaryRecord {
  jobs: SummaryJob[];
}

export interface RunSummary {
  type: 'summary';
  runId: string;
  pipeline: string;
  result: TaskResult;
  startTime: string;
  finishTime: string;
  stages: SummaryStage[];
}

/** Per-job facts that come from the job outcome rather than from events. */
export interface JobDetails {
  /** Final variable values, secrets as `***`. */
  variables?: Record<string, string>;
  pythonVersion?: string;
  testResults?: JobTestRunSummary[];
  coverage?: JobCoverageSummary[];
  environment?: { name: string; resourceName?: string };
}

/**
 * Builds the run summary from the timeline. A record that never finished (the
 * run was cut short) is reported as canceled, so the summary is always complete.
 */
export function buildRunSummary(
  timeline: Timeline,
  run: { runId: string; pipeline: string; result: TaskResult; startTime: string; finishTime: string },
  jobDetails: ReadonlyMap<string, JobDetails>,
): RunSummary {
  const stages: SummaryStage[] = [];
  for (const stage of timeline.rootRecords()) {
    const jobs = timeline.childrenOf(stage).map((job): SummaryJob => {
      const details = jobDetails.get(job.id);
      const summary: SummaryJob = { ...toSummaryRecord(job), steps: timeline.childrenOf(job).map(toSummaryRecord) };
      for (const [key, value] of Object.entries(details ?? {})) {
        if (value !== undefined) (summary as unknown as Record<string, unknown>)[key] = value;
      }
      return summary;
    });
    stages.push({ ...toSummaryRecord(stage), jobs });
  }
  return { type: 'summary', ...run, stages };
}

function toSummaryRecord(record: TimelineRecord): SummaryRecord {
  const summary: SummaryRecord = {
    name: record.name,
    displayName: record.displayName,
    result: record.result ?? 'canceled',
    startTime: record.startTime,
    finishTime: record.finishTime,
  };
  if (record.state !== 'completed') summary.reason = 'the run ended before this finished';
  else if (record.reason) summary.reason = record.reason;
  if (record.issues.length > 0) summary.issues = record.issues;
  return summary;
}
