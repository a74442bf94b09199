import type { RunEvent } from '../../src/events/run-event.js';
import type { RunSummary, SummaryJob, SummaryRecord, SummaryStage } from '../../src/cli/output/run-summary.js';
import type { SluiceProcessResult } from './sluice-process.js';

/** A finished `sluice run --output json`: the process, its events and the closing summary. */
export interface JsonRun {
  process: SluiceProcessResult;
  events: RunEvent[];
  summary: RunSummary;
}

/**
 * Parses `--output json` output: one JSON object per line, the summary last.
 * Throws with the exit code and the end of stderr when the output is not that.
 */
export function parseJsonRun(result: SluiceProcessResult): JsonRun {
  const lines = result.stdout.split('\n').filter((line) => line.trim() !== '');
  const context = `exit code ${result.exitCode}, stderr:\n${result.stderr.slice(-4000)}`;
  if (lines.length === 0) throw new Error(`sluice printed nothing on stdout (${context})`);

  const objects = lines.map((line, index) => {
    try {
      return JSON.parse(line) as { type: string };
    } catch {
      throw new Error(`stdout line ${index + 1} is not JSON: ${line.slice(0, 200)} (${context})`);
    }
  });
  const summary = objects[objects.length - 1]!;
  if (summary.type !== 'summary') throw new Error(`last stdout line has type '${summary.type}', expected 'summary' (${context})`);
  return { process: result, events: objects.slice(0, -1) as RunEvent[], summary: summary as RunSummary };
}

/** Returns the stage called `name`, or throws listing the stages there are. */
export function findStage(summary: RunSummary, name: string): SummaryStage {
  const stage = summary.stages.find((candidate) => candidate.name === name);
  if (!stage) throw new Error(`stage '${name}' not in summary; stages: ${summary.stages.map((s) => s.name).join(', ')}`);
  return stage;
}

/** Returns the job called `name` in `stage`, or throws listing its jobs. */
export function findJob(stage: SummaryStage, name: string): SummaryJob {
  const job = stage.jobs.find((candidate) => candidate.name === name);
  if (!job) throw new Error(`job '${name}' not in stage '${stage.name}'; jobs: ${stage.jobs.map((j) => j.name).join(', ')}`);
  return job;
}

/** Returns the step shown as `displayName` in `job`, or throws listing its steps. */
export function findStep(job: SummaryJob, displayName: string): SummaryRecord {
  const step = job.steps.find((candidate) => candidate.displayName === displayName);
  if (!step) throw new Error(`step '${displayName}' not in job '${job.name}'; steps: ${job.steps.map((s) => s.displayName).join(', ')}`);
  return step;
}

/** Returns every log line of the run, in order, whatever record wrote it. */
export function allLogLines(events: readonly RunEvent[]): string[] {
  return events.flatMap((event) => (event.type === 'log' ? [event.line] : []));
}

/** Returns the log lines of the step shown as `displayName` in the job whose record id is `jobId`. */
export function stepLogLines(events: readonly RunEvent[], jobId: string, displayName: string): string[] {
  const started = events.find(
    (event) => event.type === 'record-started' && event.record.type === 'step' && event.record.parentId === jobId && event.record.displayName === displayName,
  );
  if (started?.type !== 'record-started') throw new Error(`no step '${displayName}' started in job '${jobId}'`);
  const stepId = started.record.id;
  return events.flatMap((event) => (event.type === 'log' && event.recordId === stepId ? [event.line] : []));
}
