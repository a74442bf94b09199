import type { VariableSetEvent } from '../events/run-event.js';
import { MASKED_VALUE } from './run-repository.js';
import type { StoreDatabase } from './store-database.js';

/** A variable a step set at runtime with `task.setvariable`. */
export interface RuntimeVariable {
  recordId: string;
  name: string;
  /** Value, or `***` for secrets, because the store never keeps a secret's value. */
  value: string;
  isSecret: boolean;
  isOutput: boolean;
  time: string;
}

/** Variables set while a run executes, in the order they were set. */
export class RunVariableRepository {
  constructor(private readonly store: StoreDatabase) {}

  /** Stores one `variable-set` event; a secret's value is replaced by `***` whatever arrives. */
  async record(runId: number, event: VariableSetEvent): Promise<void> {
    await this.store.db
      .insertInto('run_variables')
      .values({
        run_id: runId,
        record_id: event.recordId,
        name: event.name,
        value: event.isSecret ? MASKED_VALUE : event.value,
        is_secret: event.isSecret ? 1 : 0,
        is_output: event.isOutput ? 1 : 0,
        time: event.time,
      })
      .execute();
  }

  /** Lists the variables of a run, or of one record of it, in the order they were set. */
  async list(runId: number, recordId?: string): Promise<RuntimeVariable[]> {
    const rows = await this.store.db
      .selectFrom('run_variables')
      .selectAll()
      .where('run_id', '=', runId)
      .$if(recordId !== undefined, (query) => query.where('record_id', '=', recordId!))
      .orderBy('id')
      .execute();
    return rows.map((row) => ({
      recordId: row.record_id,
      name: row.name,
      value: row.value,
      isSecret: row.is_secret === 1,
      isOutput: row.is_output === 1,
      time: row.time,
    }));
  }
}
