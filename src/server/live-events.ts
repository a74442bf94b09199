import { EventEmitter } from 'node:events';
import type { RunEvent } from '../events/run-event.js';

/** A listener of one run's events. */
export type RunEventListener = (event: RunEvent) => void;

/**
 * In-process notifications: the events of each run as they are stored (for
 * Server-Sent Events) and the jobs that finished (to wake the executor that waits
 * for them). Other server processes are not notified, so every waiter also polls the store.
 */
export class LiveEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open SSE stream and per waiting job: many by design.
    this.emitter.setMaxListeners(0);
  }

  /** Sends an event of run `runId` to its subscribers. */
  publishRunEvent(runId: number, event: RunEvent): void {
    this.emitter.emit(`run:${runId}`, event);
  }

  /** Subscribes to the events of one run; returns the function that unsubscribes. */
  subscribeToRun(runId: number, listener: RunEventListener): () => void {
    this.emitter.on(`run:${runId}`, listener);
    return () => this.emitter.off(`run:${runId}`, listener);
  }

  /** Tells waiters that job `jobId` finished (completed, failed or canceled). */
  publishJobFinished(jobId: number): void {
    this.emitter.emit(`job:${jobId}`);
  }

  /** Tells waiters that the status of run `runId` changed (a cancel request). */
  publishRunChanged(runId: number): void {
    this.emitter.emit(`run-changed:${runId}`);
  }

  /**
   * Resolves when job `jobId` is reported finished, after `timeoutMs`, or when
   * `signal` aborts, whichever comes first; the caller then reads the store.
   */
  async waitForJob(jobId: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.waitFor(`job:${jobId}`, timeoutMs, signal);
  }

  /** Resolves when run `runId` changes, after `timeoutMs`, or when `signal` aborts. */
  async waitForRunChange(runId: number, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    await this.waitFor(`run-changed:${runId}`, timeoutMs, signal);
  }

  private waitFor(eventName: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted === true) return Promise.resolve();
    return new Promise((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.emitter.off(eventName, finish);
        signal?.removeEventListener('abort', finish);
        resolve();
      };
      const timer = setTimeout(finish, timeoutMs);
      this.emitter.once(eventName, finish);
      signal?.addEventListener('abort', finish, { once: true });
    });
  }
}
