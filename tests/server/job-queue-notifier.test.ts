import { describe, expect, it } from 'vitest';
import { JobQueueNotifier, type WakeReason } from '../../src/server/job-queue-notifier.js';

/** Starts `count` waits with a long timeout and records the order in which they end. */
function startWaiters(notifier: JobQueueNotifier, count: number, signal = new AbortController().signal) {
  const woken: Array<{ index: number; reason: WakeReason }> = [];
  const waits = Array.from({ length: count }, (_, index) =>
    notifier.wait(60_000, signal).then((reason) => {
      woken.push({ index, reason });
    }),
  );
  return { woken, waits };
}

/** Lets promise callbacks of already resolved waits run. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('JobQueueNotifier', () => {
  it('wakes one waiter per job, oldest first', async () => {
    const notifier = new JobQueueNotifier();
    const { woken } = startWaiters(notifier, 3);

    notifier.notify(1);
    await settle();
    expect(woken.map((entry) => entry.index)).toEqual([0]);

    notifier.notify(2);
    await settle();
    expect(woken.map((entry) => entry.index)).toEqual([0, 1, 2]);
    expect(woken[0]!.reason.kind).toBe('notified');
  });

  it('forwards an unused wake until hops run out', async () => {
    const notifier = new JobQueueNotifier();
    const { woken } = startWaiters(notifier, 3);

    notifier.notify(1);
    await settle();
    const first = woken[0]!.reason;
    expect(first).toEqual({ kind: 'notified', hopsLeft: 3 });

    notifier.forward(first.kind === 'notified' ? first.hopsLeft : 0);
    await settle();
    expect(woken.map((entry) => entry.index)).toEqual([0, 1]);
    expect(woken[1]!.reason).toEqual({ kind: 'notified', hopsLeft: 2 });

    notifier.forward(0);
    await settle();
    expect(woken).toHaveLength(2);
  });

  it('keeps a wake for an open long-poll between looks', async () => {
    const notifier = new JobQueueNotifier();
    notifier.polling.set(7, 1);

    notifier.notify(1);
    const reason = await notifier.wait(60_000, new AbortController().signal);

    expect(reason.kind).toBe('notified');
  });

  it('drops wakes when no long-poll is open', async () => {
    const notifier = new JobQueueNotifier();
    notifier.notify(5);
    notifier.polling.set(7, 1);

    const reason = await notifier.wait(10, new AbortController().signal);

    expect(reason).toEqual({ kind: 'timeout' });
  });

  it('ends a wait on abort and skips it when notifying', async () => {
    const notifier = new JobQueueNotifier();
    const aborted = new AbortController();
    const first = startWaiters(notifier, 1, aborted.signal);
    const second = startWaiters(notifier, 1);

    aborted.abort();
    await settle();
    notifier.notify(1);
    await settle();

    expect(first.woken[0]!.reason).toEqual({ kind: 'timeout' });
    expect(second.woken[0]!.reason.kind).toBe('notified');
  });
});
