import type { Store } from '../../store/open-store.js';
import { triggerDb } from './trigger-tables.js';

/** The refs of a repository and their commits: full ref → commit SHA. */
export type RefMap = Map<string, string>;

/** The refs each polled repository had at its last successful `git ls-remote`, kept in `trigger_refs`. */
export class PolledRefs {
  constructor(private readonly store: Store) {}

  /** Returns the stored refs of a pipeline; empty before its first poll. */
  async load(pipelineId: number): Promise<RefMap> {
    const rows = await triggerDb(this.store).selectFrom('trigger_refs').select(['ref', 'commit_sha']).where('pipeline_id', '=', pipelineId).execute();
    return new Map(rows.map((row) => [row.ref, row.commit_sha]));
  }

  /** True when the pipeline has been polled at least once, so its refs are a baseline to compare with. */
  async hasBaseline(pipelineId: number): Promise<boolean> {
    const row = await triggerDb(this.store).selectFrom('trigger_refs').select('ref').where('pipeline_id', '=', pipelineId).limit(1).executeTakeFirst();
    return row !== undefined;
  }

  /**
   * Makes the stored refs of a pipeline equal to `refs`, one statement per
   * changed ref. No transaction is used, because the store's SQLite write lock
   * is not reachable from here; a crash in between leaves some refs old, and
   * the next poll reports them again.
   */
  async save(pipelineId: number, refs: RefMap): Promise<void> {
    const db = triggerDb(this.store);
    const stored = await this.load(pipelineId);
    const time = new Date().toISOString();

    for (const ref of stored.keys()) {
      if (!refs.has(ref)) await db.deleteFrom('trigger_refs').where('pipeline_id', '=', pipelineId).where('ref', '=', ref).execute();
    }
    for (const [ref, commit] of refs) {
      if (stored.get(ref) === commit) continue;
      await db
        .insertInto('trigger_refs')
        .values({ pipeline_id: pipelineId, ref, commit_sha: commit, updated_at: time })
        .onConflict((conflict) => conflict.columns(['pipeline_id', 'ref']).doUpdateSet({ commit_sha: commit, updated_at: time }))
        .execute();
    }
  }
}
