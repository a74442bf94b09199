import { sql } from 'kysely';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import type { StoreDatabase } from './store-database.js';

/**
 * Counters kept per pipeline and prefix: the values of `counter(prefix, seed)`
 * and the revision of `$(Rev:r)` in run numbers. Azure keeps both per pipeline,
 * a prefix resumes where it left off when a later run uses it again, and the
 * revision restarts at 1 for each new prefix (learn.microsoft.com …/process/expressions#counter,
 * …/process/run-number). Each call is one atomic upsert, so concurrent runs never share a value.
 */
export class CounterRepository {
  constructor(private readonly store: StoreDatabase) {}

  /** Returns the next value of `counter(prefix, seed)`: `seed` on first use, then one more each call. */
  async next(pipelineId: number, prefix: string, seed: number): Promise<number> {
    if (!Number.isSafeInteger(seed)) {
      throw new StoreError(StoreErrorCode.InvalidArgument, `the counter seed ${seed} is not a whole number`, 'give the seed as a whole number');
    }
    return this.increment(pipelineId, 'counter', prefix, seed);
  }

  /** Returns the next revision for a run-number prefix, starting at 1. */
  async nextRevision(pipelineId: number, prefix: string): Promise<number> {
    return this.increment(pipelineId, 'revision', prefix, 1);
  }

  /**
   * Returns the value of `counter(prefix, seed)` for one run. The first call
   * for a run and prefix takes the pipeline's next value and records it for the
   * run in the same transaction. Every later call (a resumed run, a re-run of
   * failed jobs, another server process) returns the recorded value, so a run
   * never counts a prefix twice. Azure's counter goes up by one per run
   * (learn.microsoft.com/azure/devops/pipelines/process/expressions#counter).
   * NOTE: two calls with one prefix in one run get the same value here; that Azure does the same is not confirmed.
   */
  async reserveForRun(pipelineId: number, runId: number, prefix: string, seed: number): Promise<number> {
    if (!Number.isSafeInteger(seed)) {
      throw new StoreError(StoreErrorCode.InvalidArgument, `the counter seed ${seed} is not a whole number`, 'give the seed as a whole number');
    }
    const namespace = runNamespace(runId);
    const known = await this.current(pipelineId, namespace, prefix);
    if (known !== undefined) return known;
    try {
      return await this.store.write(async (trx) => {
        const row = await trx
          .insertInto('counters')
          .values({ pipeline_id: pipelineId, namespace: 'counter', prefix, value: seed })
          .onConflict((conflict) =>
            conflict.columns(['pipeline_id', 'namespace', 'prefix']).doUpdateSet({ value: sql<number>`${sql.ref('counters.value')} + 1` }),
          )
          .returning('value')
          .executeTakeFirstOrThrow();
        const value = Number(row.value);
        const recorded = await trx
          .insertInto('counters')
          .values({ pipeline_id: pipelineId, namespace, prefix, value })
          .onConflict((conflict) => conflict.columns(['pipeline_id', 'namespace', 'prefix']).doNothing())
          .returning('value')
          .executeTakeFirst();
        // Another process recorded a value for this run first: roll back, so the pipeline's counter does not skip one.
        if (recorded === undefined) throw new ReservedElsewhere();
        return value;
      });
    } catch (error) {
      if (!(error instanceof ReservedElsewhere)) throw error;
      return (await this.current(pipelineId, namespace, prefix))!;
    }
  }

  /** Returns the counter values reserved for a run, by prefix. */
  async runValues(pipelineId: number, runId: number): Promise<Map<string, number>> {
    const rows = await this.store.db
      .selectFrom('counters')
      .select(['prefix', 'value'])
      .where('pipeline_id', '=', pipelineId)
      .where('namespace', '=', runNamespace(runId))
      .execute();
    return new Map(rows.map((row) => [row.prefix, Number(row.value)]));
  }

  /** Returns the last value handed out, or undefined when the prefix was never used. */
  async current(pipelineId: number, namespace: 'counter' | 'revision' | `run:${number}`, prefix: string): Promise<number | undefined> {
    const row = await this.store.db
      .selectFrom('counters')
      .select('value')
      .where('pipeline_id', '=', pipelineId)
      .where('namespace', '=', namespace)
      .where('prefix', '=', prefix)
      .executeTakeFirst();
    return row === undefined ? undefined : Number(row.value);
  }

  private async increment(pipelineId: number, namespace: string, prefix: string, seed: number): Promise<number> {
    const row = await this.store.db
      .insertInto('counters')
      .values({ pipeline_id: pipelineId, namespace, prefix, value: seed })
      .onConflict((conflict) =>
        conflict.columns(['pipeline_id', 'namespace', 'prefix']).doUpdateSet({ value: sql<number>`${sql.ref('counters.value')} + 1` }),
      )
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(row.value);
  }
}

/** Thrown inside the reservation transaction to roll it back when the run's value was recorded concurrently. */
class ReservedElsewhere extends Error {}

/**
 * Namespace of the values reserved for one run. They live in the `counters`
 * table beside the pipeline's counters, so no schema change was needed, and
 * they go away with the pipeline like its counters.
 */
function runNamespace(runId: number): `run:${number}` {
  return `run:${runId}`;
}
