import { describe, expect, it } from 'vitest';
import type { Store } from '../../src/store/open-store.js';
import { useTwoStores } from './two-stores.js';

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`counter values reserved for runs on ${dialect}`, () => {
    const openTwo = useTwoStores(dialect, 'counters');

    it('distinct values across two processes', async () => {
      const [storeA, storeB] = await openTwo();
      const pipeline = await storeA.pipelines.create({ name: 'counted', repositoryUrl: '/nowhere' });
      const reservations = [];
      for (let runId = 1; runId <= 20; runId += 1) {
        const store = runId % 2 === 0 ? storeA : storeB;
        reservations.push(store.counters.reserveForRun(pipeline.id, runId, 'v1', 10));
      }
      const values = await Promise.all(reservations);

      expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, index) => 10 + index));
      expect(await storeB.counters.current(pipeline.id, 'counter', 'v1')).toBe(29);
    }, 60_000);

    it('one value per run and prefix', async () => {
      const [storeA, storeB] = await openTwo();
      const pipeline = await storeA.pipelines.create({ name: 'counted', repositoryUrl: '/nowhere' });
      expect(await storeA.counters.reserveForRun(pipeline.id, 1, 'v1', 0)).toBe(0);

      const both = await Promise.all([
        storeA.counters.reserveForRun(pipeline.id, 2, 'v1', 0),
        storeB.counters.reserveForRun(pipeline.id, 2, 'v1', 0),
        storeB.counters.reserveForRun(pipeline.id, 2, 'v1', 0),
      ]);

      expect(both).toEqual([1, 1, 1]);
      expect(await storeA.counters.current(pipeline.id, 'counter', 'v1')).toBe(1);
      expect(await storeB.counters.runValues(pipeline.id, 2)).toEqual(new Map([['v1', 1]]));
      // Another prefix starts at its own seed; the pipeline's plain counters are unaffected by run records.
      expect(await storeB.counters.reserveForRun(pipeline.id, 2, 'v2', 7)).toBe(7);
      expect(await storeA.counters.next(pipeline.id, 'v1', 0)).toBe(2);
    }, 60_000);

    it('rejects a fractional seed', async () => {
      const [storeA] = await openTwo();
      const pipeline = await storeA.pipelines.create({ name: 'counted', repositoryUrl: '/nowhere' });
      await expect(storeA.counters.reserveForRun(pipeline.id, 1, 'v1', 1.5)).rejects.toThrow(/seed 1.5 is not a whole number/);
    }, 60_000);
  });
}
