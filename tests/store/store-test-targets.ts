import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openStore, type OpenStoreOptions, type Store } from '../../src/store/open-store.js';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.js';

export type TestDialect = 'sqlite' | 'postgres';

/** Both dialects, for `describe.each`. */
export const DIALECTS: TestDialect[] = ['sqlite', 'postgres'];

/** A base64 key of 32 bytes for stores that keep secrets. */
export const TEST_SECRET_KEY = Buffer.alloc(32, 7).toString('base64');

/** A fresh, empty database of one dialect, with its own data folder. */
export interface TestDatabase {
  url: string;
  dataDir: string;
  /** Opens a store on this database; several may be open at once. */
  open(options?: Partial<OpenStoreOptions>): Promise<Store>;
}

/**
 * Registers hooks that start one PostgreSQL cluster for the test file and
 * close every store and temp folder after each test. Call it at the top of a file.
 */
export function useTestDatabases(): { create(dialect: TestDialect): Promise<TestDatabase> } {
  let cluster: PostgresCluster | undefined;
  const stores: Store[] = [];
  const folders: string[] = [];
  let created = 0;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  });
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  return {
    async create(dialect: TestDialect): Promise<TestDatabase> {
      created += 1;
      const folder = mkdtempSync(join(tmpdir(), 'sluice-store-'));
      folders.push(folder);
      const dataDir = join(folder, 'data');
      if (cluster === undefined && dialect === 'postgres') throw new Error('the PostgreSQL cluster has not started');
      const url = dialect === 'sqlite' ? `sqlite:${join(folder, 'sluice.db')}` : await cluster!.createDatabase(`sluice_${created}`);
      return {
        url,
        dataDir,
        async open(options: Partial<OpenStoreOptions> = {}): Promise<Store> {
          const store = await openStore({ url, dataDir, secretKey: TEST_SECRET_KEY, ...options });
          stores.push(store);
          return store;
        },
      };
    },
  };
}

/** A clock that tests move by hand, so leases and heartbeats expire without waiting. */
export class ManualClock {
  private current: Date;

  constructor(start = '2026-03-01T12:00:00.000Z') {
    this.current = new Date(start);
  }

  readonly now = (): Date => new Date(this.current);

  advance(seconds: number): void {
    this.current = new Date(this.current.getTime() + seconds * 1000);
  }
}
