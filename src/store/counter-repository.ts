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

  /** Returns the last value handed out, or undefined when the prefix was never used. */
  async current(pipelineId: number, namespace: 'counter' | 'revision', prefix: string): Promise<number | undefined> {
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
