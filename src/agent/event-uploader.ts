import type { RunEvent } from '../events/run-event.js';
import { AgentError, AgentErrorCode } from './agent-error-codes.js';
import { isTransientError, retryDelayMs } from './agent-client.js';

/** Maximum time an event waits in the buffer before it is sent, in milliseconds. */
export const EVENT_FLUSH_INTERVAL_MS = 200;

/** Events sent in one request at most; a full batch is sent at once. */
export const EVENT_BATCH_SIZE = 200;

/**
 * Events kept while the server is unreachable. Past it the job fails with
 * AGT004 instead of dropping lines or growing without bound.
 */
export const EVENT_BUFFER_LIMIT = 100_000;

/** Settings of an EventUploader. */
export interface EventUploaderOptions {
  /** Sends one batch; rejects with a transient error to be retried. */
  send(events: readonly RunEvent[]): Promise<void>;
  /** Called once when sending stops for good (buffer full, or an error that a retry cannot fix). */
  onFatal(error: Error): void;
  /** Called before each retry, with the failed attempt's error. */
  onRetry?(error: unknown, attempt: number, delayMs: number): void;
  flushIntervalMs?: number;
  batchSize?: number;
  bufferLimit?: number;
}

/**
 * Sends a job's events to the server in order, in batches of up to
 * EVENT_BATCH_SIZE at least every EVENT_FLUSH_INTERVAL_MS. A batch that fails
 * on the network or with a 5xx status is retried with a growing back-off
 * until it is accepted; events added meanwhile wait in a bounded buffer.
 */
export class EventUploader {
  private readonly buffer: RunEvent[] = [];
  private timer: NodeJS.Timeout | undefined;
  private sending: Promise<void> | undefined;
  private fatal: Error | undefined;
  private readonly stopRetries = new AbortController();

  constructor(private readonly options: EventUploaderOptions) {}

  /** The error that stopped the uploader, if any. */
  get failure(): Error | undefined {
    return this.fatal;
  }

  /** Queues an event; never throws, so it can be the runner's event sink. */
  add(event: RunEvent): void {
    if (this.fatal !== undefined) return;
    if (this.buffer.length >= (this.options.bufferLimit ?? EVENT_BUFFER_LIMIT)) {
      this.fail(
        new AgentError(
          AgentErrorCode.EventBufferFull,
          `more than ${this.options.bufferLimit ?? EVENT_BUFFER_LIMIT} events of the job are waiting because the server did not accept them`,
          'check that the server is reachable from the agent; the job is stopped so that no log line is lost silently',
        ),
      );
      return;
    }
    this.buffer.push(event);
    if (this.buffer.length >= (this.options.batchSize ?? EVENT_BATCH_SIZE)) this.kick();
    else this.timer ??= setTimeout(() => this.kick(), this.options.flushIntervalMs ?? EVENT_FLUSH_INTERVAL_MS);
  }

  /** Sends every buffered event and resolves when the server accepted them; rejects when the uploader failed. */
  async flush(): Promise<void> {
    for (;;) {
      if (this.fatal !== undefined) throw this.fatal;
      if (this.sending !== undefined) {
        await this.sending;
        continue;
      }
      if (this.buffer.length === 0) return;
      this.kick();
    }
  }

  /** Stops retrying; buffered events are abandoned. For a job the server took away. */
  abandon(reason: Error): void {
    this.fail(reason);
  }

  private kick(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.sending !== undefined || this.buffer.length === 0 || this.fatal !== undefined) return;
    this.sending = this.sendAll().finally(() => {
      this.sending = undefined;
      if (this.buffer.length > 0 && this.fatal === undefined) this.timer ??= setTimeout(() => this.kick(), 0);
    });
  }

  private async sendAll(): Promise<void> {
    const batchSize = this.options.batchSize ?? EVENT_BATCH_SIZE;
    while (this.buffer.length > 0 && this.fatal === undefined) {
      const batch = this.buffer.slice(0, batchSize);
      for (let attempt = 1; ; attempt += 1) {
        try {
          await this.options.send(batch);
          break;
        } catch (error) {
          if (this.fatal !== undefined) return;
          if (!isTransientError(error)) {
            this.fail(error instanceof Error ? error : new Error(String(error)));
            return;
          }
          const delayMs = retryDelayMs(attempt);
          this.options.onRetry?.(error, attempt, delayMs);
          await sleep(delayMs, this.stopRetries.signal);
        }
      }
      this.buffer.splice(0, batch.length);
    }
  }

  private fail(error: Error): void {
    if (this.fatal !== undefined) return;
    this.fatal = error;
    this.stopRetries.abort();
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.options.onFatal(error);
  }
}

/** Waits `ms`, or less when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
