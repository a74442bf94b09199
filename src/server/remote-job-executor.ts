import type { EventSink } from '../events/run-event.js';
import type { JobExecutor, JobOutcome, JobRequest } from '../runner/job-request.js';
import type { QueuedJob } from '../store/job-queue.js';
import type { Store } from '../store/open-store.js';
import type { LiveEvents } from './live-events.js';
import type { SecretBox } from '../store/secret-box.js';
import { jobPool, jobVmImage, outcomeWithoutDetails, readJobPayload, sealJobPayload, type RemoteJobPayload, type RemoteJobSource } from './remote-job-payload.js';
import type { ServerLogger } from './server-logger.js';
import { notifierOf, notifyJobQueued } from './job-queue-notifier.js';

/**
 * How often a waiting executor reads its job from the store, in milliseconds.
 * A completion in this process wakes it at once; the poll finds completions
 * written by another server process sharing the database.
 */
export const JOB_POLL_MS = 1000;

/**
 * Extra time after a job's cancel timeout during which the agent may still
 * report the canceled job, in milliseconds. After it, the job is marked
 * canceled without the agent's report.
 */
export const CANCEL_REPORT_GRACE_MS = 30_000;

/** Settings of one run attempt's executor. */
export interface RemoteJobExecutorOptions {
  store: Store;
  live: LiveEvents;
  logger: ServerLogger;
  /** Encrypts secret variable values before the request goes into the queue. */
  secrets: SecretBox;
  runId: number;
  runAttempt: number;
  source: RemoteJobSource;
  /**
   * Outcomes to return without running, by job record id: jobs that already
   * finished in this attempt (a resumed run) or succeeded in an earlier one (a re-run).
   */
  reusedOutcomes?: ReadonlyMap<string, JobOutcome>;
  pollMs?: number;
}

/**
 * Runs jobs on agents: `runJob` puts the request in the store's job queue and
 * resolves when an agent reports the job finished. Jobs are keyed by run id,
 * record id and run attempt, so a run driven again after a restart waits for
 * the jobs it queued before instead of queueing them twice.
 * The agent's events are stored by the routes that receive them
 * (`recordJobEvents`), so the `sink` passed here is not used.
 */
export class RemoteJobExecutor implements JobExecutor {
  private readonly pollMs: number;
  private existingJobs: Promise<Map<string, QueuedJob>> | undefined;

  constructor(private readonly options: RemoteJobExecutorOptions) {
    this.pollMs = options.pollMs ?? JOB_POLL_MS;
  }

  /** Queues the job (or finds the one queued before) and waits for its outcome. */
  async runJob(request: JobRequest, _sink: EventSink, signal: AbortSignal): Promise<JobOutcome> {
    const reused = this.options.reusedOutcomes?.get(request.record.id);
    if (reused !== undefined) return reused;

    const notifier = notifierOf({ store: this.options.store });
    let job = (await this.findExisting()).get(request.record.id);
    const queuedNow = job === undefined;
    if (job === undefined) {
      if (signal.aborted) return outcomeWithoutDetails('canceled', 'the run was canceled before the job was queued');
      job = await this.enqueue(request);
    } else {
      this.options.logger.info({ runId: this.options.runId, jobId: job.id, recordId: job.recordId, status: job.status }, 'job found from before the restart');
      notifier.expectOutcome(job.id);
    }
    try {
      // A job queued just now cannot have finished yet, so the first read of its status waits for a wake.
      if (queuedNow) await this.options.live.waitForJob(job.id, this.pollMs, signal);
      return await this.waitForOutcome(job, request, signal);
    } finally {
      notifier.takeOutcome(job.id, true);
    }
  }

  private async enqueue(request: JobRequest): Promise<QueuedJob> {
    const payload: RemoteJobPayload = { request, runAttempt: this.options.runAttempt, source: this.options.source };
    const vmImage = jobVmImage(request.pool);
    const job = await this.options.store.jobs.enqueue({
      runId: this.options.runId,
      recordId: request.record.id,
      pool: jobPool(request.pool),
      demands: request.pool?.demands ?? [],
      ...(vmImage === undefined ? {} : { vmImage }),
      payload: sealJobPayload(payload, this.options.secrets),
    });
    // An agent needs a claim and a second request to complete the job, so the entry exists before any completion.
    notifierOf({ store: this.options.store }).expectOutcome(job.id);
    this.options.logger.info({ runId: job.runId, jobId: job.id, recordId: job.recordId, pool: job.pool }, 'job queued');
    // Agents waiting in a long-poll on this process take the job at once.
    notifyJobQueued({ store: this.options.store });
    return job;
  }

  private async waitForOutcome(queued: QueuedJob, request: JobRequest, signal: AbortSignal): Promise<JobOutcome> {
    const { store, live } = this.options;
    const notifier = notifierOf({ store });
    let cancelDeadline: number | undefined;
    for (;;) {
      // A completion reported to this process hands its outcome over, so the job and its sealed outcome need no read.
      const handedOver = notifier.takeOutcome(queued.id);
      if (handedOver !== undefined) return handedOver;
      const job = await store.jobs.get(queued.id);
      if (job === undefined) return outcomeWithoutDetails('canceled', 'the job was removed from the queue');
      const finished = await this.finishedOutcome(job);
      if (finished !== undefined) return finished;

      if (signal.aborted) {
        // A queued job is simply withdrawn; a leased one is stopped by its agent, which learns of the cancel through its heartbeat.
        if (job.status === 'queued' && (await store.jobs.cancel(job.id))) return outcomeWithoutDetails('canceled', 'the run was canceled');
        cancelDeadline ??= Date.now() + request.cancelTimeoutInMinutes * 60_000 + CANCEL_REPORT_GRACE_MS;
        if (Date.now() >= cancelDeadline && (await store.jobs.cancel(job.id))) {
          this.options.logger.warn({ runId: job.runId, jobId: job.id, agentId: job.leaseOwner }, 'agent did not report the canceled job in time');
          return outcomeWithoutDetails('canceled', 'the run was canceled and the agent did not confirm in time');
        }
        await live.waitForJob(job.id, this.pollMs);
        continue;
      }
      await live.waitForJob(job.id, this.pollMs, signal);
    }
  }

  private async finishedOutcome(job: QueuedJob): Promise<JobOutcome | undefined> {
    switch (job.status) {
      case 'completed': {
        const stored = (await this.options.store.jobs.outcome(job.id)) as JobOutcome | undefined;
        return stored ?? outcomeWithoutDetails(job.result ?? 'failed');
      }
      case 'failed':
        return outcomeWithoutDetails('failed', job.failureReason ?? 'the job failed on its agent');
      case 'canceled':
        return outcomeWithoutDetails('canceled', 'the run was canceled');
      default:
        return undefined;
    }
  }

  /** Jobs of this run attempt queued before this executor started, by record id; the newest wins. */
  private findExisting(): Promise<Map<string, QueuedJob>> {
    this.existingJobs ??= (async () => {
      const byRecord = new Map<string, QueuedJob>();
      for (const job of await this.options.store.jobs.list({ runId: this.options.runId })) {
        if (readJobPayload(job).runAttempt === this.options.runAttempt) byRecord.set(job.recordId, job);
      }
      return byRecord;
    })();
    return this.existingJobs;
  }
}
