import { isSuccessful } from '../events/task-result.js';
import type { JobOutcome } from '../runner/job-request.js';
import type { QueuedJob } from '../store/job-queue.js';
import type { Store } from '../store/open-store.js';
import { outcomeWithoutDetails, readJobPayload } from './remote-job-payload.js';

/** What a run attempt starts from: outcomes to reuse, and records whose stored state must not change. */
export interface AttemptBaseline {
  /** Job outcomes by record id that the executor returns without running the job again. */
  reusedOutcomes: Map<string, JobOutcome>;
  /** Records (jobs and stages) already completed, whose events the run's sink drops. */
  frozenRecords: Set<string>;
}

/** Returns the run's current attempt: the highest attempt of its timeline records, 1 for a new run. */
export async function currentRunAttempt(store: Store, runId: number): Promise<number> {
  const row = await store.db
    .selectFrom('timeline_records')
    .select((eb) => eb.fn.max('attempt').as('attempt'))
    .where('run_id', '=', runId)
    .executeTakeFirst();
  return Math.max(1, Number(row?.attempt ?? 1));
}

/**
 * Collects what attempt `attempt` reuses. Jobs that finished in this attempt
 * (a run resumed after a restart) and jobs that succeeded in an earlier one
 * (a re-run of failed jobs, as Azure's "Rerun failed jobs" keeps successful
 * ones) return their stored outcome; every other job runs.
 */
export async function attemptBaseline(store: Store, runId: number, attempt: number): Promise<AttemptBaseline> {
  const latest = new Map<string, { job: QueuedJob; attempt: number }>();
  for (const job of await store.jobs.list({ runId })) {
    const jobAttempt = readJobPayload(job).runAttempt;
    if (jobAttempt > attempt) continue;
    const known = latest.get(job.recordId);
    if (known === undefined || jobAttempt >= known.attempt) latest.set(job.recordId, { job, attempt: jobAttempt });
  }

  const reusedOutcomes = new Map<string, JobOutcome>();
  for (const [recordId, { job, attempt: jobAttempt }] of latest) {
    const outcome = await finishedOutcome(store, job);
    if (outcome === undefined) continue;
    if (jobAttempt === attempt || isSuccessful(outcome.result)) reusedOutcomes.set(recordId, outcome);
  }

  // A job of this attempt that finished while no process drove the run (its driver died) still
  // needs its record-finished event, so only jobs of earlier attempts and completed records are frozen.
  const frozenRecords = new Set([...reusedOutcomes.keys()].filter((recordId) => latest.get(recordId)!.attempt < attempt));
  for (const record of await store.timeline.list(runId, { attempt })) {
    if (record.state === 'completed' && record.type !== 'step') frozenRecords.add(record.id);
  }
  return { reusedOutcomes, frozenRecords };
}

async function finishedOutcome(store: Store, job: QueuedJob): Promise<JobOutcome | undefined> {
  switch (job.status) {
    case 'completed':
      return ((await store.jobs.outcome(job.id)) as JobOutcome | undefined) ?? outcomeWithoutDetails(job.result ?? 'failed');
    case 'failed':
      return outcomeWithoutDetails('failed', job.failureReason);
    case 'canceled':
      return outcomeWithoutDetails('canceled', 'the run was canceled');
    default:
      return undefined;
  }
}
