import type { Selectable } from 'kysely';
import { isUniqueViolation, notFoundError } from './database-errors.js';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import { parseJsonColumn, type StoreDatabase } from './store-database.js';
import type { AgentTable } from './store-schema.js';

/** Whether an agent takes jobs: `online` while it sends heartbeats, `offline` after it stops, `disabled` by an admin. */
export type AgentStatus = 'online' | 'offline' | 'disabled';

/** An agent registered with the server. */
export interface Agent {
  id: number;
  name: string;
  pool: string;
  /** Capabilities by name: environment variables and tools the agent found, as in Azure's agent. */
  capabilities: Record<string, string>;
  version?: string;
  status: AgentStatus;
  registeredAt: string;
  lastHeartbeatAt?: string;
}

/** Registration data that an agent sends. */
export interface AgentRegistration {
  name: string;
  pool: string;
  capabilities: Record<string, string>;
  version?: string;
}

/** Agents: registration, capabilities, heartbeats and status. */
export class AgentRepository {
  /** The heartbeat time this process last wrote for each agent, so `heartbeatAtMost` can skip a write. */
  private readonly lastWritten = new Map<number, string>();

  constructor(private readonly store: StoreDatabase) {}

  /**
   * Registers an agent. A taken name throws STORE010 unless `replace` is set,
   * which keeps the id and overwrites pool, capabilities and version, as an
   * agent reconfigured on the same machine expects.
   */
  async register(input: AgentRegistration, options: { replace?: boolean } = {}): Promise<Agent> {
    const time = this.store.now();
    const values = {
      name: input.name,
      pool: input.pool,
      capabilities_json: JSON.stringify(input.capabilities),
      version: input.version ?? null,
      status: 'online',
      registered_at: time,
      last_heartbeat_at: time,
    };
    try {
      const row = await this.store.db
        .insertInto('agents')
        .values(values)
        .$if(options.replace === true, (query) =>
          query.onConflict((conflict) =>
            conflict.column('name').doUpdateSet({
              pool: values.pool,
              capabilities_json: values.capabilities_json,
              version: values.version,
              status: values.status,
              last_heartbeat_at: values.last_heartbeat_at,
            }),
          ),
        )
        .returningAll()
        .executeTakeFirstOrThrow();
      return toAgent(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new StoreError(
        StoreErrorCode.AlreadyExists,
        `an agent named '${input.name}' is already registered`,
        'choose another agent name, or register again with replace to take over the name',
        { cause: error },
      );
    }
  }

  /** Returns the agent, or undefined. */
  async get(id: number): Promise<Agent | undefined> {
    const row = await this.store.db.selectFrom('agents').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toAgent(row);
  }

  /** Returns the agent with this name, or undefined. */
  async getByName(name: string): Promise<Agent | undefined> {
    const row = await this.store.db.selectFrom('agents').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toAgent(row);
  }

  /** Lists agents by name, optionally of one pool. */
  async list(options: { pool?: string } = {}): Promise<Agent[]> {
    const rows = await this.store.db
      .selectFrom('agents')
      .selectAll()
      .$if(options.pool !== undefined, (query) => query.where('pool', '=', options.pool!))
      .orderBy('name')
      .execute();
    return rows.map(toAgent);
  }

  /**
   * Records a heartbeat: an offline agent comes back online, a disabled one
   * stays disabled. Renew the agent's job leases with `JobQueue.renewLeases` in the same request.
   */
  async heartbeat(id: number, capabilities?: Record<string, string>): Promise<Agent> {
    const row = await this.store.db
      .updateTable('agents')
      .set((eb) => ({
        last_heartbeat_at: this.store.now(),
        status: eb.case().when('status', '=', 'disabled').then('disabled').else('online').end(),
        ...(capabilities === undefined ? {} : { capabilities_json: JSON.stringify(capabilities) }),
      }))
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirst();
    if (row === undefined) throw notFoundError('agent', id);
    this.lastWritten.set(id, row.last_heartbeat_at ?? '');
    return toAgent(row);
  }

  /**
   * Records a heartbeat like `heartbeat`, but when this process wrote one for
   * the agent less than `seconds` ago and the agent is still online, only reads
   * its row. An agent requests work after every job, so at a few hundred jobs
   * per second each write costs a WAL commit, while the offline check allows
   * minutes between heartbeats (AGENT_OFFLINE_AFTER_SECONDS). An agent that is
   * offline (enabled again by an admin) or disabled gets the write as before,
   * and a removed agent throws STORE009 as before.
   */
  async heartbeatAtMost(id: number, seconds: number): Promise<Agent> {
    const written = this.lastWritten.get(id);
    if (written !== undefined && written > this.store.nowPlus(-seconds)) {
      const current = await this.get(id);
      if (current === undefined) {
        this.lastWritten.delete(id);
        throw notFoundError('agent', id);
      }
      if (current.status === 'online') return current;
    }
    return this.heartbeat(id);
  }

  /** Enables or disables an agent; a disabled agent keeps its registration but gets no jobs. */
  async setDisabled(id: number, disabled: boolean): Promise<void> {
    const result = await this.store.db
      .updateTable('agents')
      .set({ status: disabled ? 'disabled' : 'offline' })
      .where('id', '=', id)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw notFoundError('agent', id);
  }

  /** Marks online agents without a heartbeat for `seconds` as offline, and returns them. */
  async markStaleOffline(seconds: number): Promise<Agent[]> {
    const cutoff = this.store.nowPlus(-seconds);
    const rows = await this.store.db
      .updateTable('agents')
      .set({ status: 'offline' })
      .where('status', '=', 'online')
      .where((eb) => eb.or([eb('last_heartbeat_at', '<', cutoff), eb('last_heartbeat_at', 'is', null)]))
      .returningAll()
      .execute();
    if (rows.length > 0) this.store.logger.warn({ agents: rows.map((row) => row.name) }, 'agents went offline');
    return rows.map(toAgent);
  }

  /** Removes an agent; its leased jobs lose their owner and are re-queued when the lease expires. */
  async remove(id: number): Promise<boolean> {
    this.lastWritten.delete(id);
    const result = await this.store.db.deleteFrom('agents').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

function toAgent(row: Selectable<AgentTable>): Agent {
  const agent: Agent = {
    id: row.id,
    name: row.name,
    pool: row.pool,
    capabilities: parseJsonColumn<Record<string, string>>(row.capabilities_json, 'agents.capabilities_json'),
    status: row.status as AgentStatus,
    registeredAt: row.registered_at,
  };
  if (row.version !== null) agent.version = row.version;
  if (row.last_heartbeat_at !== null) agent.lastHeartbeatAt = row.last_heartbeat_at;
  return agent;
}
