import { setImmediate as nextMacrotask } from 'node:timers/promises';

/**
 * Maximum time, in milliseconds, that a loop of synchronous file calls keeps
 * the event loop before letting timers, sockets and child-process output run.
 * The server and runner share this thread, so a publish of many small files
 * must not stall them for the whole publish.
 */
export const SYNC_SLICE_MS = 10;

/** Tracks how long a synchronous loop has held the event loop since it last yielded. */
export class EventLoopBudget {
  private sliceStarted = performance.now();

  constructor(private readonly sliceMs: number = SYNC_SLICE_MS) {}

  /**
   * Yields to the event loop when the current slice is used up, and checks
   * `signal` afterwards so a cancellation that arrived meanwhile stops the
   * loop. Returns undefined, without a round trip, while time is left.
   */
  pauseIfSpent(signal?: AbortSignal): Promise<void> | undefined {
    if (performance.now() - this.sliceStarted < this.sliceMs) return undefined;
    return nextMacrotask().then(() => {
      this.sliceStarted = performance.now();
      signal?.throwIfAborted();
    });
  }
}
