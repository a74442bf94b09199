import type { Kysely, Selectable } from 'kysely';
import type { TaskResult } from '../events/task-result.js';
import { demandsSatisfied } from './agent-demands.js';
import { vmImageSatisfied } from './vm-image-match.js';
import { isForeignKeyViolation, notFoundError } from './database-errors.js';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import { parseJsonColumn, type StoreDatabase } from './store-database.js';
import type { JobQueueTable, StoreSchema } from './store-schema.js';

/**
 * Maximum number of times a job is handed to an agent. A job whose agent stops
 * sending heartbeats is queued again once, as attempt 2. Losing the second agent
 * fails the job, so a job that kills its agent cannot take down every agent in turn.
 */
export const MAX_JOB_ATTEMPTS = 2;

/** Queued jobs a claim looks at per query; demands are checked on these in order. */
export const CLAIM_CANDIDATE_BATCH = 50;

/** Maximum lease in seconds. An agent renews its leases with every heartbeat. */
export const MAX_LEASE_SECONDS = 3600;

export type JobStatus = 'queued' | 'leased' | 'completed' | 'failed' | 'canceled';

/** A job waiting for, or running on, an agent. `payload` is the JobRequest as JSON, opaque to the store. */
export interface QueuedJob {
  id: number;
  runId: number;
  recordId: string;
  pool: string;
  demands: string[];
  /** The `pool: vmImage` of a hosted-pool job; only agents that can stand in for the image claim it. */
  vmImage?: string;
  payload: unknown;
  status: JobStatus;
  /** Agent id that holds the lease. */
  leaseOwner?: number;
  leaseExpiresAt?: string;
  /** How many times the job has been handed to an agent. */
  attempts: number;
  queuedAt: string;
  claimedAt?: string;
  finishedAt?: string;
  result?: TaskResult;
  failureReason?: string;
}

/** A job to queue, as the server passes it. */
export interface NewJob {
  runId: number;
  recordId: string;
  pool: string;
  demands?: string[];
  /** The image of a `pool: vmImage` job; see vmImageSatisfied for the agents that match it. */
  vmImage?: string;
  payload: unknown;
}

/** A request for work: the agent, its pools and capabilities, and the lease it wants. */
export interface ClaimRequest {
  agentId: number;
  pools: readonly string[];
  capabilities: Readonly<Record<string, string>>;
  leaseSeconds: number;
}

/** A job whose lease expired, and what `requeueExpiredLeases` did with it. */
export interface LeaseLoss {
  jobId: number;
  runId: number;
  recordId: string;
  /** The agent that stopped sending heartbeats; undefined when it has been removed since. */
  agentId?: number;
  agentName?: string;
  /** The attempt that was lost. */
  attempt: number;
}

/** The outcome of one `requeueExpiredLeases` pass, for the server to log and to update the runs. */
export interface RequeueReport {
  requeued: LeaseLoss[];
  failed: LeaseLoss[];
}

/**
 * The queue of jobs waiting for agents. A claim hands a job to exactly one
 * agent. On PostgreSQL the candidates are read with `FOR UPDATE SKIP LOCKED`
 * inside a transaction, so concurrent claimers lock disjoint rows. On SQLite
 * the claim reads candidates and leases one with an UPDATE that requires the
 * status `queued`, so of two claimers of one job only the first updates it.
 */
export class JobQueue {
  constructor(private readonly store: StoreDatabase) {}

  /** Adds a job at the end of its pool's queue. */
  async enqueue(job: NewJob): Promise<QueuedJob> {
    try {
      return toJob(await this.insert(job));
    } catch (error) {
      if (isForeignKeyViolation(error)) throw notFoundError('run', job.runId);
      throw error;
    }
  }

  private insert(job: NewJob) {
    return this.store.db
      .insertInto('job_queue')
      .values({
        run_id: job.runId,
        record_id: job.recordId,
        pool: job.pool,
        demands_json: JSON.stringify(job.demands ?? []),
        vm_image: job.vmImage ?? null,
        payload_json: JSON.stringify(job.payload ?? null),
        status: 'queued',
        lease_owner: null,
        lease_expires_at: null,
        attempts: 0,
        queued_at: this.store.now(),
        claimed_at: null,
        finished_at: null,
        result: null,
        failure_reason: null,
        outcome_sealed: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /**
   * Leases the oldest queued job in the agent's pools whose demands (and
   * vmImage, if any) its capabilities meet, for `leaseSeconds`. Returns undefined when no job fits.
   */
  async claimNextJob(request: ClaimRequest): Promise<QueuedJob | undefined> {
    checkLease(request.leaseSeconds);
    if (request.pools.length === 0) return undefined;

    const claim = async (trx: Kysely<StoreSchema>): Promise<QueuedJob | undefined> => {
      let afterId = 0;
      for (;;) {
        const candidates = await this.candidates(trx, request.pools, afterId);
        for (const candidate of candidates) {
          const demands = parseJsonColumn<string[]>(candidate.demands_json, 'job_queue.demands_json');
          if (!demandsSatisfied(demands, request.capabilities)) continue;
          if (!vmImageSatisfied(candidate.vm_image, request.capabilities)) continue;
          const claimed = await this.lease(trx, candidate.id, request);
          if (claimed !== undefined) return claimed;
        }
        if (candidates.length < CLAIM_CANDIDATE_BATCH) return undefined;
        afterId = candidates[candidates.length - 1]!.id;
      }
    };
    if (this.store.dialect === 'postgres') return this.store.write(claim);
    // On SQLite the lease's status condition alone hands a job to one claimer, so the claim needs no
    // transaction: a candidate taken between the read and the update is skipped like a locked row.
    return claim(this.store.db);
  }

  /** Extends every lease the agent holds to `leaseSeconds` from now; returns how many were renewed. */
  async renewLeases(agentId: number, leaseSeconds: number): Promise<number> {
    checkLease(leaseSeconds);
    const result = await this.store.db
      .updateTable('job_queue')
      .set({ lease_expires_at: this.store.nowPlus(leaseSeconds) })
      .where('status', '=', 'leased')
      .where('lease_owner', '=', agentId)
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }

  /**
   * Records the result the agent reported, and the job's whole outcome when
   * given (sealed with the server key: STORE007 without one). Throws STORE011
   * when the agent no longer holds the lease (it expired and the job went to
   * another agent, or was canceled).
   */
  async complete(jobId: number, agentId: number, result: TaskResult, outcome?: unknown): Promise<void> {
    const outcomeSealed = outcome === undefined ? null : this.store.secrets.seal(JSON.stringify(outcome), outcomeContext(jobId));
    const updated = await this.store.db
      .updateTable('job_queue')
      .set({ status: 'completed', result, outcome_sealed: outcomeSealed, finished_at: this.store.now(), lease_expires_at: null })
      .where('id', '=', jobId)
      .where('status', '=', 'leased')
      .where('lease_owner', '=', agentId)
      .executeTakeFirst();
    if (Number(updated.numUpdatedRows) > 0) return;

    const job = await this.get(jobId);
    if (job === undefined) throw notFoundError('job', jobId);
    throw new StoreError(
      StoreErrorCode.LeaseLost,
      `agent ${agentId} reported a result for job ${jobId}, but the job is ${job.status}${job.leaseOwner === undefined ? '' : ` and leased to agent ${job.leaseOwner}`}`,
      'the lease expired before a heartbeat renewed it; the agent must drop the job and ask for new work',
    );
  }

  /** Returns the outcome stored by `complete`, decrypted; undefined when the job has none. */
  async outcome(jobId: number): Promise<unknown> {
    const row = await this.store.db.selectFrom('job_queue').select('outcome_sealed').where('id', '=', jobId).executeTakeFirst();
    if (row === undefined) throw notFoundError('job', jobId);
    if (row.outcome_sealed === null) return undefined;
    return JSON.parse(this.store.secrets.open(row.outcome_sealed, outcomeContext(jobId))) as unknown;
  }

  /**
   * Queues again the jobs leased to `agentId`, for an agent that restarted and
   * is sure it runs none of them (the server's built-in agent after a crash).
   * Each keeps its attempt count. Returns the ids of the jobs queued again.
   */
  async releaseLeases(agentId: number): Promise<number[]> {
    const rows = await this.store.db
      .updateTable('job_queue')
      .set({ status: 'queued', lease_owner: null, lease_expires_at: null })
      .where('status', '=', 'leased')
      .where('lease_owner', '=', agentId)
      .returning('id')
      .execute();
    return rows.map((row) => row.id);
  }

  /** Cancels a job that has not finished; returns false when it had already finished. */
  async cancel(jobId: number): Promise<boolean> {
    const result = await this.store.db
      .updateTable('job_queue')
      .set({ status: 'canceled', finished_at: this.store.now(), lease_expires_at: null })
      .where('id', '=', jobId)
      .where('status', 'in', ['queued', 'leased'])
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /**
   * Finds leased jobs whose lease has expired: queues each again if it has
   * attempts left (see MAX_JOB_ATTEMPTS), otherwise fails it. Returns what it
   * did; each job appears once even when several server processes run this at the same time.
   */
  async requeueExpiredLeases(): Promise<RequeueReport> {
    const now = this.store.now();
    const report = await this.store.write(async (trx) => {
      const expired = await trx
        .selectFrom('job_queue')
        .select(['id', 'run_id', 'record_id', 'lease_owner', 'attempts'])
        .where('status', '=', 'leased')
        .where('lease_expires_at', '<', now)
        .orderBy('id')
        .$if(this.store.dialect === 'postgres', (query) => query.forUpdate().skipLocked())
        .execute();
      const names = await agentNames(trx, expired.map((row) => row.lease_owner));

      const outcome: RequeueReport = { requeued: [], failed: [] };
      for (const row of expired) {
        const loss: LeaseLoss = { jobId: row.id, runId: row.run_id, recordId: row.record_id, attempt: row.attempts };
        if (row.lease_owner !== null) {
          loss.agentId = row.lease_owner;
          const name = names.get(row.lease_owner);
          if (name !== undefined) loss.agentName = name;
        }

        if (row.attempts < MAX_JOB_ATTEMPTS) {
          await trx.updateTable('job_queue').set({ status: 'queued', lease_owner: null, lease_expires_at: null }).where('id', '=', row.id).execute();
          outcome.requeued.push(loss);
          continue;
        }
        await trx
          .updateTable('job_queue')
          .set({ status: 'failed', result: 'failed', finished_at: now, lease_expires_at: null, failure_reason: lostAgentReason(loss) })
          .where('id', '=', row.id)
          .execute();
        outcome.failed.push(loss);
      }
      return outcome;
    });

    for (const loss of report.requeued) this.store.logger.warn({ ...loss }, 'job lease expired, job queued again');
    for (const loss of report.failed) this.store.logger.error({ ...loss }, 'job lease expired on its last attempt, job failed');
    return report;
  }

  /** Returns a job, or undefined. */
  async get(jobId: number): Promise<QueuedJob | undefined> {
    const row = await this.store.db.selectFrom('job_queue').selectAll().where('id', '=', jobId).executeTakeFirst();
    return row === undefined ? undefined : toJob(row);
  }

  /** Lists jobs in queue order, of one run or with one status. */
  async list(query: { runId?: number; status?: JobStatus } = {}): Promise<QueuedJob[]> {
    const rows = await this.store.db
      .selectFrom('job_queue')
      .selectAll()
      .$if(query.runId !== undefined, (q) => q.where('run_id', '=', query.runId!))
      .$if(query.status !== undefined, (q) => q.where('status', '=', query.status!))
      .orderBy('id')
      .execute();
    return rows.map(toJob);
  }

  private candidates(trx: Kysely<StoreSchema>, pools: readonly string[], afterId: number) {
    return trx
      .selectFrom('job_queue')
      .select(['id', 'demands_json', 'vm_image'])
      .where('status', '=', 'queued')
      .where('pool', 'in', [...pools])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(CLAIM_CANDIDATE_BATCH)
      .$if(this.store.dialect === 'postgres', (query) => query.forUpdate().skipLocked())
      .execute();
  }

  private async lease(trx: Kysely<StoreSchema>, jobId: number, request: ClaimRequest): Promise<QueuedJob | undefined> {
    // The status condition keeps the claim correct even without the row lock: a job already taken is not updated.
    const row = await trx
      .updateTable('job_queue')
      .set((eb) => ({
        status: 'leased',
        lease_owner: request.agentId,
        lease_expires_at: this.store.nowPlus(request.leaseSeconds),
        claimed_at: this.store.now(),
        attempts: eb('attempts', '+', 1),
      }))
      .where('id', '=', jobId)
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
    return row === undefined ? undefined : toJob(row);
  }
}

async function agentNames(trx: Kysely<StoreSchema>, ids: (number | null)[]): Promise<Map<number, string>> {
  const known = ids.filter((id): id is number => id !== null);
  if (known.length === 0) return new Map();
  const rows = await trx.selectFrom('agents').select(['id', 'name']).where('id', 'in', known).execute();
  return new Map(rows.map((row) => [row.id, row.name]));
}

function lostAgentReason(loss: LeaseLoss): string {
  const agent = loss.agentName === undefined ? 'its agent' : `agent '${loss.agentName}'`;
  return `the job lost its agent ${MAX_JOB_ATTEMPTS} times: ${agent} stopped sending heartbeats during attempt ${loss.attempt}`;
}

function outcomeContext(jobId: number): string {
  return `outcome of job ${jobId}`;
}

function checkLease(seconds: number): void {
  if (Number.isFinite(seconds) && seconds > 0 && seconds <= MAX_LEASE_SECONDS) return;
  throw new StoreError(
    StoreErrorCode.InvalidArgument,
    `the lease of ${seconds} seconds is outside 1 to ${MAX_LEASE_SECONDS} seconds`,
    'use a lease a few heartbeat intervals long, for example 60 seconds',
  );
}

function toJob(row: Selectable<JobQueueTable>): QueuedJob {
  const job: QueuedJob = {
    id: row.id,
    runId: row.run_id,
    recordId: row.record_id,
    pool: row.pool,
    demands: parseJsonColumn<string[]>(row.demands_json, 'job_queue.demands_json'),
    payload: undefined,
    status: row.status as JobStatus,
    attempts: row.attempts,
    queuedAt: row.queued_at,
  };
  // The payload (the whole job request) is parsed when first read: most reads of a job only need its status.
  let payload: { value: unknown } | undefined;
  Object.defineProperty(job, 'payload', {
    enumerable: true,
    configurable: true,
    get: () => (payload ??= { value: parseJsonColumn<unknown>(row.payload_json, 'job_queue.payload_json') }).value,
    set: (value: unknown) => {
      payload = { value };
    },
  });
  if (row.vm_image !== null) job.vmImage = row.vm_image;
  if (row.lease_owner !== null) job.leaseOwner = row.lease_owner;
  if (row.lease_expires_at !== null) job.leaseExpiresAt = row.lease_expires_at;
  if (row.claimed_at !== null) job.claimedAt = row.claimed_at;
  if (row.finished_at !== null) job.finishedAt = row.finished_at;
  if (row.result !== null) job.result = row.result as TaskResult;
  if (row.failure_reason !== null) job.failureReason = row.failure_reason;
  return job;
}
