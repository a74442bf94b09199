import type { JobOutcome } from '../runner/job-request.js';

/** The cause that ended a `JobQueueNotifier.wait`. */
export type WakeReason =
  /** A job was announced. `hopsLeft` is how many more waiters may be woken in turn if this one claims nothing. */
  | { kind: 'notified'; hopsLeft: number }
  /** The timeout passed or the signal aborted. */
  | { kind: 'timeout' };

interface Waiter {
  wake: (reason: WakeReason) => void;
}

/**
 * Wakes the long-polls of one server process when jobs are queued. Each
 * announced job wakes one waiter, the one that has waited longest, instead of
 * all of them: with 20 agents in a long-poll, waking all made 20 claim
 * attempts per job, of which 19 found nothing. A waiter that claims nothing
 * passes the wake on (`hopsLeft`), so a job that only some agents can take
 * (another pool, demands) still reaches one of them without a timer.
 */
export class JobQueueNotifier {
  private readonly waiters: Waiter[] = [];
  /** Wakes announced while no waiter was waiting, consumed by the next `wait` calls. */
  private pending = 0;
  /** Open long-polls by agent id: an agent with one is free. */
  readonly polling = new Map<number, number>();
  /** The last waiting reason written to each queued job's log. */
  readonly reasons = new Map<number, string>();
  /** Writes of the "Job assigned" log line still in progress, by job id. */
  readonly assignmentLines = new Map<number, Promise<void>>();
  /**
   * Outcomes of completed jobs for executors of this process, by job id. An id
   * is present while an executor waits for the job (`expectOutcome`). Its value is
   * the outcome once `handOverOutcome` stored it, so the executor skips reading
   * and decrypting it from the store.
   */
  private readonly outcomes = new Map<number, JobOutcome | undefined>();

  /**
   * Wakes up to `jobs` waiters, oldest first. Wakes that find no waiter are
   * kept for long-polls that are between two looks at the queue, at most one
   * per open long-poll, so a job queued during such a look is not missed.
   */
  notify(jobs = 1): void {
    this.wakeWaiters(jobs, this.waiters.length + this.openPolls());
  }

  /**
   * Passes a wake on to the next waiter, for a waiter that was notified but
   * claimed nothing. Does nothing when `hopsLeft` is 0, so a job that no agent
   * here can take wakes each waiter at most once.
   */
  forward(hopsLeft: number): void {
    if (hopsLeft <= 0) return;
    this.wakeWaiters(1, hopsLeft - 1);
  }

  /** Resolves when this waiter is notified, after `timeoutMs`, or when `signal` aborts. */
  wait(timeoutMs: number, signal: AbortSignal): Promise<WakeReason> {
    if (signal.aborted) return Promise.resolve({ kind: 'timeout' });
    if (this.pending > 0) {
      this.pending -= 1;
      return Promise.resolve({ kind: 'notified', hopsLeft: this.waiters.length + this.openPolls() });
    }
    return new Promise((resolve) => {
      const waiter: Waiter = {
        wake: (reason) => {
          clearTimeout(timer);
          signal.removeEventListener('abort', onAbort);
          resolve(reason);
        },
      };
      const onAbort = (): void => {
        this.remove(waiter);
        waiter.wake({ kind: 'timeout' });
      };
      const timer = setTimeout(onAbort, timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Marks a job whose outcome an executor of this process waits for. */
  expectOutcome(jobId: number): void {
    if (!this.outcomes.has(jobId)) this.outcomes.set(jobId, undefined);
  }

  /** Keeps the outcome of a job just completed in the store, when an executor of this process waits for it. */
  handOverOutcome(jobId: number, outcome: JobOutcome): void {
    if (this.outcomes.has(jobId)) this.outcomes.set(jobId, outcome);
  }

  /**
   * Returns the outcome handed over for a job, or undefined when none came
   * (the job is not finished, or another process completed it). With `done`
   * the job's entry is removed.
   */
  takeOutcome(jobId: number, done = false): JobOutcome | undefined {
    const outcome = this.outcomes.get(jobId);
    if (done || outcome !== undefined) this.outcomes.delete(jobId);
    return outcome;
  }

  private wakeWaiters(count: number, hopsLeft: number): void {
    let remaining = count;
    while (remaining > 0) {
      const waiter = this.waiters.shift();
      if (waiter === undefined) break;
      waiter.wake({ kind: 'notified', hopsLeft });
      remaining -= 1;
    }
    this.pending = Math.min(this.pending + remaining, this.openPolls());
  }

  private remove(waiter: Waiter): void {
    const index = this.waiters.indexOf(waiter);
    if (index >= 0) this.waiters.splice(index, 1);
  }

  private openPolls(): number {
    let open = 0;
    for (const count of this.polling.values()) open += count;
    return open;
  }
}

const notifiers = new WeakMap<object, JobQueueNotifier>();

/** Returns the notifier of the server process that uses `store`, created on first use. */
export function notifierOf(context: { store: object }): JobQueueNotifier {
  let notifier = notifiers.get(context.store);
  if (notifier === undefined) {
    notifier = new JobQueueNotifier();
    notifiers.set(context.store, notifier);
  }
  return notifier;
}

/** Wakes agents waiting in `jobs/next` on this server process: one per job queued or released. */
export function notifyJobQueued(context: { store: object }, jobs = 1): void {
  notifierOf(context).notify(jobs);
}
