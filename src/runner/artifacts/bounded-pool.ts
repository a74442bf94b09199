/**
 * Runs `work` on every item with at most `concurrency` calls in flight, and
 * resolves when all have finished. The first failure stops new calls from
 * starting, and the promise rejects with it once the running calls settle.
 * An aborted `signal` rejects with the signal's reason.
 */
export async function runWithConcurrency<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    while (failure === undefined && next < items.length) {
      if (signal?.aborted) {
        failure = { error: signal.reason };
        return;
      }
      const item = items[next] as T;
      next += 1;
      try {
        await work(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };

  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, () => worker());
  await Promise.all(workers);
  signal?.throwIfAborted();
  if (failure !== undefined) throw failure.error;
}
