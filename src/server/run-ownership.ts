import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Store } from '../store/open-store.js';
import { leaseDb } from './run-ownership-tables.js';
import type { ServerLogger } from './server-logger.js';

// Several `sluice serve` processes on one PostgreSQL database: each process gets
// its own --data folder (repository mirrors, run checkouts and its owner id in
// `server-id`), and every process needs the same `server.key`, because each one
// decrypts job payloads and secrets that another process sealed. Log chunk files
// live under `<data>/files/logs` and artifact stores under `<data>/files/artifacts`,
// so `<data>/files` must be one shared folder (a symlink or a network mount) for
// either API to serve every log and artifact.

/** How long a run or leader lease lasts without renewal, in milliseconds, unless SLUICE_LEASE_MS sets it. */
export const DEFAULT_LEASE_MS = 30_000;

/** Environment variable that sets the lease duration in milliseconds; tests shorten it. */
export const LEASE_MS_ENV = 'SLUICE_LEASE_MS';

/** Shortest and longest lease accepted from the environment, in milliseconds. */
export const LEASE_MS_RANGE = { min: 500, max: 600_000 } as const;

/** Run statuses that a server process drives, and so needs a lease for. */
const UNFINISHED_STATUSES = ['queued', 'inProgress', 'cancelling'] as const;

/**
 * Claims on runs that the run coordinator takes before driving a run and
 * gives back when it stops driving it, so that two server processes sharing
 * one database never drive the same run at once.
 */
export interface RunClaims {
  /** Returns true when this process may drive the run: nobody held it, its lease expired, or this process holds it. */
  claim(runId: number): Promise<boolean>;
  /** Gives the run up, so another process may take it over at once. */
  release(runId: number): Promise<void>;
  /**
   * Resolves true while this process still holds the run's lease. Called
   * before each write for the run, so a process that stalled past its lease
   * notices that another process took the run over before it writes.
   */
  confirm?(runId: number): Promise<boolean>;
  /** Registers a listener called once for each run whose lease another process took. */
  onLost?(listener: (runId: number) => void): void;
}

/** Settings of `RunOwnership`. */
export interface RunOwnershipOptions {
  store: Store;
  logger: ServerLogger;
  /** Lease duration in milliseconds; renewed every third of it. Default `DEFAULT_LEASE_MS`. */
  leaseMs?: number;
  /** Owner id of this process (see `loadOrCreateOwnerId`); default a new random one. */
  ownerId?: string;
  now?: () => Date;
}

/**
 * Per-run leases in the `run_leases` table. A process claims a run when it
 * queues or resumes it, renews the leases of the runs it drives every third
 * of the lease duration, and releases a run when it completes or the process
 * stops gracefully. A process that dies stops renewing, so another process
 * takes its runs over once their leases expire (`start`'s takeover scan).
 * Expiry compares the clocks of different processes, so servers sharing a
 * database need synchronized clocks, as job leases already do.
 */
export class RunOwnership implements RunClaims {
  readonly ownerId: string;
  readonly leaseMs: number;
  private readonly owned = new Set<number>();
  private readonly lost = new Set<number>();
  /** Monotonic time (performance.now) of each owned run's last successful claim or renewal. */
  private readonly confirmedAt = new Map<number, number>();
  private readonly lostListeners: Array<(runId: number) => void> = [];
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly options: RunOwnershipOptions) {
    this.ownerId = options.ownerId ?? newOwnerId();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** Takes or renews the run's lease with one upsert; returns false when another process holds a lease that has not expired. */
  async claim(runId: number): Promise<boolean> {
    const now = this.now();
    const row = await leaseDb(this.options.store)
      .insertInto('run_leases')
      .values({ run_id: runId, owner: this.ownerId, expires_at: this.expiry(now), acquired_at: now.toISOString() })
      .onConflict((conflict) =>
        conflict
          .column('run_id')
          .doUpdateSet((eb) => ({ owner: eb.ref('excluded.owner'), expires_at: eb.ref('excluded.expires_at'), acquired_at: eb.ref('excluded.acquired_at') }))
          .where((eb) => eb.or([eb('run_leases.expires_at', '<', now.toISOString()), eb('run_leases.owner', '=', this.ownerId)])),
      )
      .returning('owner')
      .executeTakeFirst();
    if (row === undefined) return false;
    this.owned.add(runId);
    this.lost.delete(runId);
    this.confirmedAt.set(runId, performance.now());
    return true;
  }

  /**
   * Resolves true when this process still holds the run's lease. A renewal
   * younger than a third of the lease is trusted. An older one (the process
   * stalled, or renewals failed) is checked with a claim, which renews the
   * lease when it is still ours or expired without a new owner. A run that
   * another process took goes to the `onLost` listeners and resolves false.
   */
  async confirm(runId: number): Promise<boolean> {
    if (this.lost.has(runId)) return false;
    const confirmed = this.confirmedAt.get(runId);
    if (confirmed !== undefined && performance.now() - confirmed < this.leaseMs / 3) return true;
    if (await this.claim(runId)) return true;
    this.markLost([runId]);
    return false;
  }

  /** Registers a listener called once for each run whose lease another process took. */
  onLost(listener: (runId: number) => void): void {
    this.lostListeners.push(listener);
  }

  /** Deletes the run's lease when this process holds it. */
  async release(runId: number): Promise<void> {
    this.owned.delete(runId);
    this.lost.delete(runId);
    this.confirmedAt.delete(runId);
    await leaseDb(this.options.store).deleteFrom('run_leases').where('run_id', '=', runId).where('owner', '=', this.ownerId).execute();
  }

  /** Ids of the runs whose lease this process holds. */
  ownedRunIds(): number[] {
    return [...this.owned];
  }

  /**
   * Extends the leases of the runs this process drives; returns the ids of
   * runs whose lease another process took in the meantime (each logged once).
   */
  async renew(): Promise<number[]> {
    if (this.owned.size === 0) return [];
    const ids = [...this.owned];
    const started = performance.now();
    const renewed = await leaseDb(this.options.store)
      .updateTable('run_leases')
      .set({ expires_at: this.expiry(this.now()) })
      .where('owner', '=', this.ownerId)
      .where('run_id', 'in', ids)
      .returning('run_id')
      .execute();
    const kept = new Set(renewed.map((row) => Number(row.run_id)));
    for (const runId of kept) if (this.owned.has(runId)) this.confirmedAt.set(runId, started);
    const lost = ids.filter((id) => !kept.has(id));
    this.markLost(lost);
    return lost;
  }

  /** Records runs whose lease another process took, logs each once and calls the `onLost` listeners (the coordinator stops driving them). */
  private markLost(runIds: readonly number[]): void {
    for (const runId of runIds) {
      if (this.lost.has(runId)) continue;
      this.lost.add(runId);
      this.confirmedAt.delete(runId);
      this.options.logger.error({ runId, owner: this.ownerId }, 'run lease lost to another server process');
      for (const listener of this.lostListeners) listener(runId);
    }
  }

  /**
   * Returns the ids of unfinished runs that no process holds a live lease on:
   * runs whose driver died, or that no process claimed yet.
   */
  async orphanedRunIds(): Promise<number[]> {
    const rows = await leaseDb(this.options.store)
      .selectFrom('runs')
      .leftJoin('run_leases', 'run_leases.run_id', 'runs.id')
      .select('runs.id')
      .where('runs.status', 'in', [...UNFINISHED_STATUSES])
      .where((eb) => eb.or([eb('run_leases.run_id', 'is', null), eb('run_leases.expires_at', '<', this.now().toISOString())]))
      .orderBy('runs.id')
      .execute();
    return rows.map((row) => Number(row.id));
  }

  /**
   * Starts renewing leases every third of the lease duration. After each
   * renewal, when some unfinished run has no live lease, calls `takeOver`
   * (the coordinator's `resumeRuns`, which claims before it drives).
   */
  start(takeOver: () => Promise<unknown>): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.ticking ??= this.tick(takeOver).finally(() => (this.ticking = undefined));
    }, Math.max(100, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  /** Stops the timer; leases are released by the coordinator as it stops driving each run. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  private async tick(takeOver: () => Promise<unknown>): Promise<void> {
    try {
      await this.renew();
      if ((await this.orphanedRunIds()).length > 0) await takeOver();
    } catch (error) {
      this.options.logger.error({ err: error, owner: this.ownerId }, 'renewing run leases failed');
    }
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }

  private expiry(now: Date): string {
    return new Date(now.getTime() + this.leaseMs).toISOString();
  }
}

/** Returns a new owner id: the host name and random text. */
export function newOwnerId(): string {
  return `${hostname()}:${randomBytes(6).toString('hex')}`;
}

/**
 * Reads the owner id of the server whose data folder contains `path`, or
 * creates it on first start. A server restarted on the same data folder gets
 * the same id, so it resumes its own runs at once instead of waiting for
 * their leases to expire. Each server process therefore needs its own data
 * folder: two processes on one folder would share the id and could both drive a run.
 */
export async function loadOrCreateOwnerId(path: string): Promise<string> {
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined && existing.trim() !== '') return existing.trim();

  const ownerId = newOwnerId();
  await mkdir(dirname(path), { recursive: true });
  try {
    await writeFile(path, `${ownerId}\n`, { flag: 'wx' });
    return ownerId;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return (await readFile(path, 'utf8')).trim();
  }
}

/**
 * Reads the lease duration from `SLUICE_LEASE_MS`; returns the default when
 * it is unset, and throws with the accepted range when it is invalid.
 */
export function leaseMsFromEnvironment(env: NodeJS.ProcessEnv = process.env): number {
  const text = env[LEASE_MS_ENV];
  if (text === undefined || text === '') return DEFAULT_LEASE_MS;
  const value = Number(text);
  if (!Number.isInteger(value) || value < LEASE_MS_RANGE.min || value > LEASE_MS_RANGE.max) {
    throw new Error(`invalid ${LEASE_MS_ENV} '${text}': expected whole milliseconds from ${LEASE_MS_RANGE.min} to ${LEASE_MS_RANGE.max}; unset it for the default ${DEFAULT_LEASE_MS}`);
  }
  return value;
}
