/** Milliseconds in a minute, for the `…InMinutes` settings. */
export const MS_PER_MINUTE = 60_000;

/**
 * Tracks cancellation of one job: the caller's AbortSignal and the job's own
 * `timeoutInMinutes`. After a cancel, steps that still run (`always()`,
 * `canceled()`) share the `cancelTimeoutInMinutes` budget.
 */
export class JobControl {
  private readonly controller = new AbortController();
  private timer?: NodeJS.Timeout;
  private cancelDeadline?: number;
  private readonly onExternalAbort = (): void => this.cancel('the run was canceled');
  /** Reason for the cancel, or undefined while the job runs normally. */
  cancelReason?: string;
  timedOut = false;

  constructor(
    private readonly external: AbortSignal,
    private readonly timeoutInMinutes: number,
    private readonly cancelTimeoutInMinutes: number,
  ) {
    if (external.aborted) this.cancel('the run was canceled');
    else external.addEventListener('abort', this.onExternalAbort, { once: true });
    if (timeoutInMinutes > 0) {
      this.timer = setTimeout(() => {
        this.timedOut = true;
        this.cancel(`the job timed out after ${timeoutInMinutes} minutes`);
      }, timeoutInMinutes * MS_PER_MINUTE);
    }
  }

  get canceled(): boolean {
    return this.cancelReason !== undefined;
  }

  /** Aborted when the job is canceled or times out; running steps listen to it. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  /** Grace period between SIGINT and SIGKILL for a step interrupted by the cancel. */
  get cancelGraceMs(): number {
    return this.cancelTimeoutInMinutes * MS_PER_MINUTE;
  }

  /** Milliseconds left for steps that run after the cancel; undefined before any cancel. */
  remainingAfterCancelMs(): number | undefined {
    if (this.cancelDeadline === undefined) return undefined;
    return Math.max(0, this.cancelDeadline - Date.now());
  }

  cancel(reason: string): void {
    if (this.canceled) return;
    this.cancelReason = reason;
    this.cancelDeadline = Date.now() + this.cancelGraceMs;
    this.controller.abort();
  }

  dispose(): void {
    this.external.removeEventListener('abort', this.onExternalAbort);
    if (this.timer) clearTimeout(this.timer);
  }
}

/** Waits `ms` milliseconds, or less when `signal` aborts. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
