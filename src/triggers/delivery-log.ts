/**
 * The set of webhook delivery ids already processed, for replay protection.
 * The server backs it with its store; `InMemoryDeliveryLog` serves one process
 * and the tests.
 */
export interface DeliveryLog {
  /** Records `id` and returns true, or returns false when it was recorded before. */
  markSeen(id: string): Promise<boolean>;
}

/** Default maximum number of ids an in-memory log keeps before it drops the oldest. */
export const DEFAULT_DELIVERY_LOG_SIZE = 10_000;

/**
 * A bounded in-memory delivery log. When full it drops the oldest id, so a
 * replay older than `maxSize` deliveries is no longer detected.
 */
export class InMemoryDeliveryLog implements DeliveryLog {
  private readonly ids = new Set<string>();

  constructor(private readonly maxSize = DEFAULT_DELIVERY_LOG_SIZE) {
    if (!Number.isInteger(maxSize) || maxSize < 1) throw new RangeError(`maxSize must be a positive integer, got ${maxSize}`);
  }

  async markSeen(id: string): Promise<boolean> {
    if (this.ids.has(id)) return false;

    this.ids.add(id);
    if (this.ids.size > this.maxSize) {
      // A Set iterates in insertion order, so the first id is the oldest.
      const oldest = this.ids.values().next().value as string;
      this.ids.delete(oldest);
    }
    return true;
  }

  /** Number of ids currently remembered. */
  get size(): number {
    return this.ids.size;
  }
}
