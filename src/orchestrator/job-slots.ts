/**
 * A counting semaphore for running jobs: one for the whole run
 * (`maxParallelJobs`) and one per matrix (`maxParallel`). A limit of 0 means
 * no limit. Waiters are served in the order they asked.
 */
export class JobSlots {
  private active = 0;
  private readonly waiters: Array<() => void> = [];

  constructor(private readonly limit: number) {}

  /**
   * Waits for a free slot. Returns false without taking a slot when `signal`
   * is aborted first, so a queued job can be canceled.
   */
  async acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return false;
    if (this.limit <= 0 || this.active < this.limit) {
      this.active += 1;
      return true;
    }

    return new Promise<boolean>((resolve) => {
      const onAbort = (): void => {
        const index = this.waiters.indexOf(grant);
        if (index >= 0) this.waiters.splice(index, 1);
        resolve(false);
      };
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.active += 1;
        resolve(true);
      };
      this.waiters.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  release(): void {
    this.active -= 1;
    const next = this.waiters.shift();
    if (next) next();
  }
}
