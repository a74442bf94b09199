import type { Kysely } from 'kysely';
import type { Store } from '../store/open-store.js';
import type { StoreSchema } from '../store/store-schema.js';

/** The server process that drives a run, until `expires_at` unless it renews the lease. */
export interface RunLeaseTable {
  run_id: number;
  /** Owner id of the server process (`host:random`, kept in its data folder). */
  owner: string;
  /** ISO 8601 UTC time after which another process may take the run over. */
  expires_at: string;
  acquired_at: string;
}

/** A named lease held by one server process at a time, such as `triggers` for the poller and the schedule loop. */
export interface ServerLeaseTable {
  name: string;
  owner: string;
  expires_at: string;
  acquired_at: string;
}

/** The tables added by the `add server leases` migration. */
export type LeaseTables = {
  run_leases: RunLeaseTable;
  server_leases: ServerLeaseTable;
};

/** Returns the store's query builder typed with the lease tables as well. */
export function leaseDb(store: Store): Kysely<StoreSchema & LeaseTables> {
  return store.db.withTables<LeaseTables>() as unknown as Kysely<StoreSchema & LeaseTables>;
}
