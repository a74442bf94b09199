/**
 * A first-come, first-served lock for async code in one process. Used to keep
 * write transactions on one SQLite file from interleaving across awaits.
 */
export class AsyncMutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `work` once every earlier holder has finished, and releases the lock after it settles. */
  async runExclusive<T>(work: () => Promise<T>): Promise<T> {
    let release!: () => void;
    const previous = this.tail;
    this.tail = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }
}

const sqliteFileLocks = new Map<string, AsyncMutex>();

/**
 * Returns the process-wide write lock of one SQLite file. better-sqlite3 waits
 * for a busy database synchronously. A second connection in the same process
 * that waited for a transaction spanning an await would block the event loop
 * that the first transaction needs to finish, so every writer in the process takes this lock first.
 */
export function sqliteWriteLock(path: string): AsyncMutex {
  let lock = sqliteFileLocks.get(path);
  if (lock === undefined) {
    lock = new AsyncMutex();
    sqliteFileLocks.set(path, lock);
  }
  return lock;
}
