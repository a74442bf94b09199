import type { Store } from '../store/open-store.js';
import { DEFAULT_LEASE_MS, newOwnerId } from './run-ownership.js';
import { leaseDb } from './run-ownership-tables.js';
import type { ServerContext } from './server-context.js';
import type { ServerLogger } from './server-logger.js';
import { triggerRuntimeOf } from './triggers/trigger-runtime.js';

/** Name of the leader lease of the ref poller and the schedule loop. */
export const TRIGGER_LOOPS_LEASE = 'triggers';

/** Work that only the leader runs, started when this process becomes leader and stopped when it stops being leader. */
export interface LeaderDuties {
  start(): void;
  stop(): Promise<void>;
}

/** Settings of `LeaderLease`. */
export interface LeaderLeaseOptions {
  store: Store;
  logger: ServerLogger;
  /** Row of `server_leases`, such as `TRIGGER_LOOPS_LEASE`. */
  name: string;
  duties: LeaderDuties;
  /** Lease duration in milliseconds; the lease is taken or renewed every third of it. */
  leaseMs?: number;
  ownerId?: string;
  now?: () => Date;
}

/**
 * A lease in `server_leases` that one server process holds at a time, so
 * work that must run once per installation (polling repositories, firing
 * schedules) runs in one process. Every process tries to take or renew the
 * lease every third of its duration, and the holder runs the duties. When the
 * holder dies, another process takes the lease once it expires and starts them.
 */
export class LeaderLease {
  readonly ownerId: string;
  readonly leaseMs: number;
  private leader = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> | undefined;

  constructor(private readonly options: LeaderLeaseOptions) {
    this.ownerId = options.ownerId ?? newOwnerId();
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  }

  /** True while this process holds the lease and runs the duties. */
  get isLeader(): boolean {
    return this.leader;
  }

  /** Tries to take the lease at once, then keeps trying or renewing on a timer. */
  async start(): Promise<void> {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.ticking ??= this.refresh().finally(() => (this.ticking = undefined));
    }, Math.max(100, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
    this.ticking = this.refresh().finally(() => (this.ticking = undefined));
    await this.ticking;
  }

  /** Stops the duties and deletes the lease, so another process becomes leader at its next try. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    if (!this.leader) return;
    this.leader = false;
    await this.options.duties.stop();
    await leaseDb(this.options.store).deleteFrom('server_leases').where('name', '=', this.options.name).where('owner', '=', this.ownerId).execute();
    this.options.logger.info({ lease: this.options.name, owner: this.ownerId }, 'leader lease released');
  }

  /** Takes or renews the lease with one upsert; returns true when this process holds it afterwards. */
  async tryAcquire(): Promise<boolean> {
    const now = this.now();
    const row = await leaseDb(this.options.store)
      .insertInto('server_leases')
      .values({ name: this.options.name, owner: this.ownerId, expires_at: new Date(now.getTime() + this.leaseMs).toISOString(), acquired_at: now.toISOString() })
      .onConflict((conflict) =>
        conflict
          .column('name')
          .doUpdateSet((eb) => ({
            owner: eb.ref('excluded.owner'),
            expires_at: eb.ref('excluded.expires_at'),
            // A renewal keeps the time the lease was first taken.
            acquired_at: eb.fn.coalesce(eb.case().when('server_leases.owner', '=', this.ownerId).then(eb.ref('server_leases.acquired_at')).end(), eb.ref('excluded.acquired_at')),
          }))
          .where((eb) => eb.or([eb('server_leases.expires_at', '<', now.toISOString()), eb('server_leases.owner', '=', this.ownerId)])),
      )
      .returning('owner')
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Takes or renews the lease once, and starts or stops the duties when leadership changed. */
  async refresh(): Promise<void> {
    let holds: boolean;
    try {
      holds = await this.tryAcquire();
    } catch (error) {
      // Without a renewal the lease soon expires elsewhere, so the duties stop here to avoid running twice.
      this.options.logger.error({ err: error, lease: this.options.name }, 'renewing the leader lease failed');
      holds = false;
    }
    if (holds && !this.leader) {
      this.leader = true;
      this.options.logger.info({ lease: this.options.name, owner: this.ownerId }, 'leader lease acquired');
      this.options.duties.start();
    } else if (!holds && this.leader) {
      this.leader = false;
      this.options.logger.warn({ lease: this.options.name, owner: this.ownerId }, 'leader lease lost');
      await this.options.duties.stop();
    }
  }

  private now(): Date {
    return (this.options.now ?? (() => new Date()))();
  }
}

/**
 * Hands the server's ref poller and schedule loop to the trigger leader
 * lease: the loops the webhook route module started stop at once, and run
 * again only while this process holds the lease. Returns undefined when the
 * server has no trigger loops (no webhook module, or `startLoops: false`).
 */
export async function startTriggerLoopLeader(context: ServerContext, leaseMs: number, ownerId: string): Promise<LeaderLease | undefined> {
  const triggers = triggerRuntimeOf(context);
  if (triggers === undefined || !triggers.loopsEnabled) return undefined;
  await Promise.all([triggers.poller.stop(), triggers.scheduler.stop()]);

  const leader = new LeaderLease({
    store: context.store,
    logger: context.logger,
    name: TRIGGER_LOOPS_LEASE,
    leaseMs,
    ownerId,
    duties: {
      start() {
        if (context.isShuttingDown()) return;
        triggers.poller.start();
        triggers.scheduler.start();
      },
      async stop() {
        await Promise.all([triggers.poller.stop(), triggers.scheduler.stop()]);
      },
    },
  });
  await leader.start();
  return leader;
}
