import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { openStore, type Store } from '../../src/store/open-store.js';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.js';

/**
 * Registers the hooks of a describe block whose tests open two stores on one
 * database, as two server processes would: a SQLite file, or a fresh database
 * of a private PostgreSQL cluster. Returns the function that opens them.
 */
export function useTwoStores(dialect: 'sqlite' | 'postgres', name: string): () => Promise<[Store, Store]> {
  let cluster: PostgresCluster | undefined;
  let root: string | undefined;
  let databases = 0;
  const stores: Store[] = [];

  beforeAll(async () => {
    if (dialect === 'postgres') cluster = await startPostgresCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  return async () => {
    root = mkdtempSync(join(tmpdir(), `sluice-${name}-`));
    databases += 1;
    const url = cluster === undefined ? `sqlite:${join(root, 'sluice.db')}` : await cluster.createDatabase(`sluice_${name}_${databases}`);
    const first = await openStore({ url });
    stores.push(first);
    const second = await openStore({ url });
    stores.push(second);
    return [first, second];
  };
}
