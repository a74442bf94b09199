import type { DeliveryLog } from '../../triggers/delivery-log.js';
import type { Store } from '../../store/open-store.js';
import { triggerDb } from './trigger-tables.js';

/** How long a delivery id is remembered, in milliseconds: forges redeliver within hours, so a week is ample. */
export const DELIVERY_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * A delivery log in the store's `webhook_deliveries` table, so every server
 * process on one database sees the same ids. The insert ignores a duplicate
 * key, which makes "was it new" one atomic statement.
 */
export class StoreDeliveryLog implements DeliveryLog {
  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async markSeen(id: string): Promise<boolean> {
    const result = await triggerDb(this.store)
      .insertInto('webhook_deliveries')
      .values({ delivery_id: id, received_at: this.now().toISOString() })
      .onConflict((conflict) => conflict.column('delivery_id').doNothing())
      .executeTakeFirst();
    return Number(result.numInsertedOrUpdatedRows ?? 0n) > 0;
  }

  /** Deletes ids older than DELIVERY_RETENTION_MS; returns how many. */
  async prune(): Promise<number> {
    const cutoff = new Date(this.now().getTime() - DELIVERY_RETENTION_MS).toISOString();
    const result = await triggerDb(this.store).deleteFrom('webhook_deliveries').where('received_at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
