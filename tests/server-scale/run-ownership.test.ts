import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/open-store.js';
import { LeaderLease } from '../../src/server/run-ownership-leader.js';
import { DEFAULT_LEASE_MS, leaseMsFromEnvironment, RunOwnership } from '../../src/server/run-ownership.js';
import type { ServerLogger } from '../../src/server/server-logger.js';
import { useTwoStores } from './two-stores.js';

const logger = pino({ level: 'silent' }) as unknown as ServerLogger;
const LEASE_MS = 10_000;

/** A clock the test moves by hand, shared by both "processes". */
function manualClock(): { now: () => Date; advance(ms: number): void } {
  let time = Date.parse('2026-05-01T10:00:00.000Z');
  return { now: () => new Date(time), advance: (ms) => (time += ms) };
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`run leases on ${dialect}`, () => {
    const openTwo = useTwoStores(dialect, 'leases');

    async function createRun(store: Store): Promise<number> {
      const pipeline = await store.pipelines.create({ name: `p${Math.random()}`, repositoryUrl: '/nowhere' });
      const run = await store.runs.create({ pipelineId: pipeline.id, trigger: { reason: 'Manual', branch: 'refs/heads/main', commit: 'a'.repeat(40) }, requestedBy: 'test' });
      return run.id;
    }

    it('grants a run to one owner until its lease expires', async () => {
      const [storeA, storeB] = await openTwo();
      const clock = manualClock();
      const a = new RunOwnership({ store: storeA, logger, leaseMs: LEASE_MS, ownerId: 'a', now: clock.now });
      const b = new RunOwnership({ store: storeB, logger, leaseMs: LEASE_MS, ownerId: 'b', now: clock.now });
      const runId = await createRun(storeA);

      const claims = await Promise.all([a.claim(runId), b.claim(runId)]);
      expect(claims.filter(Boolean)).toHaveLength(1);
      const [winner, loser] = claims[0] ? [a, b] : [b, a];
      expect(await winner.claim(runId)).toBe(true);
      expect(await loser.claim(runId)).toBe(false);
      expect(await loser.orphanedRunIds()).toEqual([]);

      clock.advance(LEASE_MS + 1);
      expect(await loser.orphanedRunIds()).toEqual([runId]);
      expect(await loser.claim(runId)).toBe(true);
      expect(await winner.renew()).toEqual([runId]);
      expect(await winner.claim(runId)).toBe(false);
    });

    it('reports a lost run once', async () => {
      const [storeA, storeB] = await openTwo();
      const clock = manualClock();
      const a = new RunOwnership({ store: storeA, logger, leaseMs: LEASE_MS, ownerId: 'a', now: clock.now });
      const b = new RunOwnership({ store: storeB, logger, leaseMs: LEASE_MS, ownerId: 'b', now: clock.now });
      const lost: number[] = [];
      a.onLost((runId) => lost.push(runId));
      const runId = await createRun(storeA);
      expect(await a.claim(runId)).toBe(true);
      expect(await a.confirm(runId)).toBe(true);

      // A stalls past its lease and B takes the run over.
      clock.advance(LEASE_MS + 1);
      expect(await b.claim(runId)).toBe(true);
      expect(await a.renew()).toEqual([runId]);
      expect(lost).toEqual([runId]);
      expect(await a.confirm(runId)).toBe(false);
      expect(await a.renew()).toEqual([runId]);
      expect(lost).toEqual([runId]);
      await a.release(runId);
      expect(await b.orphanedRunIds()).toEqual([]);
      expect(await b.confirm(runId)).toBe(true);
    });

    it('confirms a lease with the database when not renewed here', async () => {
      const [storeA, storeB] = await openTwo();
      const clock = manualClock();
      const runId = await createRun(storeA);
      const a = new RunOwnership({ store: storeA, logger, leaseMs: LEASE_MS, ownerId: 'a', now: clock.now });
      expect(await a.claim(runId)).toBe(true);

      // The same owner after a restart has no renewal of its own yet, so it checks the lease in the database.
      const restarted = new RunOwnership({ store: storeB, logger, leaseMs: LEASE_MS, ownerId: 'a', now: clock.now });
      expect(await restarted.confirm(runId)).toBe(true);
      const other = new RunOwnership({ store: storeB, logger, leaseMs: LEASE_MS, ownerId: 'b', now: clock.now });
      const lost: number[] = [];
      other.onLost((id) => lost.push(id));
      expect(await other.confirm(runId)).toBe(false);
      expect(lost).toEqual([runId]);
    });

    it('keeps a renewed lease and frees a released one', async () => {
      const [storeA, storeB] = await openTwo();
      const clock = manualClock();
      const a = new RunOwnership({ store: storeA, logger, leaseMs: LEASE_MS, ownerId: 'a', now: clock.now });
      const b = new RunOwnership({ store: storeB, logger, leaseMs: LEASE_MS, ownerId: 'b', now: clock.now });
      const runId = await createRun(storeA);
      expect(await a.claim(runId)).toBe(true);

      clock.advance(LEASE_MS - 1000);
      expect(await a.renew()).toEqual([]);
      clock.advance(LEASE_MS - 1000);
      expect(await b.claim(runId)).toBe(false);

      await a.release(runId);
      expect(a.ownedRunIds()).toEqual([]);
      expect(await b.orphanedRunIds()).toEqual([runId]);
      expect(await b.claim(runId)).toBe(true);
    });

    it('ignores completed runs in the takeover scan', async () => {
      const [storeA] = await openTwo();
      const a = new RunOwnership({ store: storeA, logger, leaseMs: LEASE_MS, ownerId: 'a' });
      const open = await createRun(storeA);
      const done = await createRun(storeA);
      await storeA.runs.complete(done, 'succeeded');
      expect(await a.orphanedRunIds()).toEqual([open]);
    });

    it('runs leader duties in one process at a time', async () => {
      const [storeA, storeB] = await openTwo();
      const clock = manualClock();
      const started: string[] = [];
      const stopped: string[] = [];
      const lease = (store: Store, ownerId: string): LeaderLease =>
        new LeaderLease({
          store,
          logger,
          name: 'triggers',
          leaseMs: LEASE_MS,
          ownerId,
          now: clock.now,
          duties: { start: () => void started.push(ownerId), stop: async () => void stopped.push(ownerId) },
        });
      const a = lease(storeA, 'a');
      const b = lease(storeB, 'b');

      await a.start();
      await b.start();
      expect([a.isLeader, b.isLeader]).toEqual([true, false]);
      expect(started).toEqual(['a']);

      // A stops renewing (a dead process); B takes the lease only after it expires.
      await b.refresh();
      expect(b.isLeader).toBe(false);
      clock.advance(LEASE_MS + 1);
      await b.refresh();
      expect(b.isLeader).toBe(true);
      expect(started).toEqual(['a', 'b']);

      // A wakes up, finds its lease taken and stops its duties.
      await a.refresh();
      expect(a.isLeader).toBe(false);
      expect(stopped).toEqual(['a']);
      expect(await a.tryAcquire()).toBe(false);

      await a.stop();
      await b.stop();
      expect(stopped).toEqual(['a', 'b']);
    });
  });
}

describe('lease duration setting', () => {
  it('reads SLUICE_LEASE_MS', () => {
    expect(leaseMsFromEnvironment({})).toBe(DEFAULT_LEASE_MS);
    expect(leaseMsFromEnvironment({ SLUICE_LEASE_MS: '2500' })).toBe(2500);
  });

  it('rejects an invalid SLUICE_LEASE_MS', () => {
    expect(() => leaseMsFromEnvironment({ SLUICE_LEASE_MS: 'soon' })).toThrow(/invalid SLUICE_LEASE_MS 'soon': expected whole milliseconds from 500 to 600000/);
    expect(() => leaseMsFromEnvironment({ SLUICE_LEASE_MS: '10' })).toThrow(/from 500 to 600000/);
  });
});
