import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { RunEvent } from '../../events/run-event.js';
import {
  DEFAULT_POLL_WAIT_SECONDS,
  type CompleteRequest,
  type EventsRequest,
  type HeartbeatRequest,
  type NextJobRequest,
  type NextJobResponse,
  type RegisterRequest,
  type RegisterResponse,
  type SessionRequest,
  type SessionResponse,
} from '../../agent/agent-protocol.js';
import {
  artifactManifestBodySchema,
  completeBodySchema,
  eventsBodySchema,
  heartbeatBodySchema,
  missingBlobsBodySchema,
  nextJobBodySchema,
  registerBodySchema,
  sessionBodySchema,
} from '../../agent/agent-protocol-schemas.js';
import { describeWaitingReason } from '../../agent/waiting-reason.js';
import { manifestFolder, manifestPath, readArtifactManifest } from '../../runner/artifacts/artifact-manifest.js';
import { validateArtifactName } from '../../runner/artifacts/artifact-name.js';
import { blobPath } from '../../runner/artifacts/blob-store.js';
import { jobArtifactRoot } from '../../store/artifact-repository.js';
import type { Agent } from '../../store/agent-repository.js';
import { MAX_JOB_ATTEMPTS } from '../../store/job-queue.js';
import { recordRunEvent } from '../../store/record-run-event.js';
import { isStoreError } from '../../store/store-error.js';
import { StoreErrorCode } from '../../store/store-error-codes.js';
import { ApiError } from '../api-error.js';
import { notifierOf, notifyJobQueued, type WakeReason } from '../job-queue-notifier.js';
import { claimJob, completeJob, recordJobEvents, type ClaimedJob } from '../job-reports.js';
import { readJobPayload } from '../remote-job-payload.js';
import type { RouteModule } from '../route-module.js';
import type { ServerContext } from '../server-context.js';
import { positiveId } from './route-params.js';

/**
 * How often the server looks at the job queue for this module, in
 * milliseconds: expired leases are queued again and waiting reasons updated.
 * Long-polls of this process are woken at once by `notifyJobQueued`; this
 * interval bounds the delay for jobs queued by another server process.
 */
export const QUEUE_CHECK_MS = 1000;

/**
 * Maximum time a long-poll waits without looking at the queue, in
 * milliseconds. It bounds the delay of a job that no `notifyJobQueued` call
 * announced, such as one re-queued after its lease expired.
 */
export const CLAIM_RECHECK_MS = 200;

/**
 * Seconds between heartbeat writes of a long-polling agent; in between, a poll only reads the agent's row.
 * Agents go offline after AGENT_OFFLINE_AFTER_SECONDS (120) without a heartbeat, so this delay is harmless.
 */
export const HEARTBEAT_WRITE_INTERVAL_SECONDS = 1;

/**
 * The agent protocol: registration, long-poll for jobs, event batches,
 * heartbeats, completion, and the run's artifact store for agents on other
 * machines. Every job route checks that the calling agent holds the job's lease.
 */
export const agentProtocolRoutes: RouteModule = {
  name: 'agent-protocol',
  async register(app, context) {
    // An encapsulated plugin, so the raw-body parser below applies to these routes only.
    await app.register(async (scope) => {
      scope.addContentTypeParser('application/octet-stream', (_request, payload, done) => done(null, payload));
      registerSessionRoutes(scope, context);
      registerJobRoutes(scope, context);
      registerArtifactRoutes(scope, context);
      const watcher = startQueueWatcher(context);
      scope.addHook('onClose', async () => watcher.stop());
    });
  },
};

function registerSessionRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Body: RegisterRequest }>(
    '/api/agent/register',
    { config: { access: 'agentRegistration' }, schema: { body: registerBodySchema } },
    async (request, reply) => {
      assertRunning(context);
      const { name, pool, capabilities, version, replace } = request.body;
      const existing = await context.store.agents.getByName(name);
      if (existing !== undefined && replace !== true) {
        throw new ApiError('conflict', `an agent named '${name}' is already registered`, 'choose another --name, or register with replace to take over the name');
      }
      const agent = await context.store.agents.register({ name, pool, capabilities, ...(version === undefined ? {} : { version }) }, { replace: true });

      // Tokens of the agent's earlier registration stop working, so two machines cannot share one identity.
      for (const token of await context.store.tokens.list({ kind: 'agent', owner: String(agent.id) })) {
        if (token.revokedAt === undefined) await context.store.tokens.revoke(token.id);
      }
      const created = await context.store.tokens.create({ kind: 'agent', name: `agent ${name}`, owner: String(agent.id) });
      await requeueJobsOfPreviousProcess(context, agent);
      context.logger.info({ agentId: agent.id, agent: name, pool, replaced: existing !== undefined }, 'agent registered');
      notifyJobQueued(context);
      const body: RegisterResponse = { agentId: agent.id, name: agent.name, pool: agent.pool, token: created.token };
      return reply.status(201).send(body);
    },
  );

  app.post<{ Body: SessionRequest }>('/api/agent/session', { config: { access: 'agent' }, schema: { body: sessionBodySchema } }, async (request) => {
    const agent = await callingAgent(context, request);
    const updated = await context.store.agents.heartbeat(agent.id, request.body.capabilities);
    const requeuedJobIds = await requeueJobsOfPreviousProcess(context, updated);
    context.logger.info({ agentId: agent.id, agent: agent.name, requeuedJobIds }, 'agent session started');
    const body: SessionResponse = { agentId: updated.id, name: updated.name, pool: updated.pool, requeuedJobIds };
    return body;
  });
}

/** Queues again the jobs an agent held before it restarted: a new agent process runs none of them. */
async function requeueJobsOfPreviousProcess(context: ServerContext, agent: Agent): Promise<number[]> {
  const leased = (await context.store.jobs.list({ status: 'leased' })).filter((job) => job.leaseOwner === agent.id);
  if (leased.length === 0) return [];
  const released = await context.store.jobs.releaseLeases(agent.id);
  for (const job of leased) {
    if (!released.includes(job.id)) continue;
    await appendSystemLine(context, job.runId, job.recordId, `Agent '${agent.name}' restarted during attempt ${job.attempts} of this job; the job is queued again.`);
  }
  notifyJobQueued(context, released.length);
  return released;
}

function registerJobRoutes(app: FastifyInstance, context: ServerContext): void {
  app.post<{ Body: NextJobRequest }>('/api/agent/jobs/next', { config: { access: 'agent' }, schema: { body: nextJobBodySchema } }, async (request, reply) => {
    const agent = await heartbeatOfCallingAgent(context, request);
    const claimed = await waitForJob(context, agent, request.body, reply);
    if (claimed === undefined) return reply.status(204).send();

    const { job, payload } = claimed;
    const attemptText = job.attempts > 1 ? ` (attempt ${job.attempts} of ${MAX_JOB_ATTEMPTS}, after the previous agent was lost)` : '';
    // The line is written after the response goes out, so the agent starts sooner. ownedJob waits for
    // the write before it handles a later request of this job, so the line stays first in the job's log.
    const line = appendSystemLine(context, job.runId, job.recordId, `Job assigned to agent '${agent.name}'${attemptText}.`, payload.runAttempt).catch((error: unknown) => {
      context.logger.error({ runId: job.runId, jobId: job.id, err: error }, 'writing the job assignment line to the log failed');
    });
    const assignmentLines = notifierOf(context).assignmentLines;
    assignmentLines.set(job.id, line);
    void line.finally(() => assignmentLines.delete(job.id));
    const body: NextJobResponse = { jobId: job.id, runId: job.runId, attempt: job.attempts, request: payload.request, runAttempt: payload.runAttempt, source: payload.source };
    return body;
  });

  app.post<{ Params: { id: string }; Body: EventsRequest }>(
    '/api/agent/jobs/:id/events',
    { config: { access: 'agent' }, schema: { body: eventsBodySchema } },
    async (request) => {
      const { agent, claimed } = await ownedJob(context, request);
      for (const [index, event] of request.body.events.entries()) assertEventOfJob(event, claimed.job.recordId, index);
      await recordJobEvents(context, claimed, agent.name, request.body.events as RunEvent[]);
      return { accepted: request.body.events.length };
    },
  );

  app.post<{ Params: { id: string }; Body: HeartbeatRequest }>(
    '/api/agent/jobs/:id/heartbeat',
    { config: { access: 'agent' }, schema: { body: heartbeatBodySchema } },
    async (request) => {
      const { agent, claimed } = await ownedJob(context, request);
      await context.store.agents.heartbeat(agent.id);
      await context.store.jobs.renewLeases(agent.id, request.body.leaseSeconds);
      const run = await context.store.runs.get(claimed.job.runId);
      return { cancel: run === undefined || run.status === 'cancelling' || run.status === 'completed' };
    },
  );

  app.post<{ Params: { id: string }; Body: CompleteRequest }>(
    '/api/agent/jobs/:id/complete',
    { config: { access: 'agent' }, schema: { body: completeBodySchema } },
    async (request) => {
      const { agent, claimed } = await ownedJob(context, request);
      // The executor waiting for this job queues the next one, and that wakes a long-poll.
      // ownedJob has just read the job, so completeJob checks the lease on that copy instead of reading it again.
      await completeJob(context, claimed, agent.id, request.body.outcome, claimed.job);
      return { completed: true };
    },
  );
}

/**
 * Claims a job for the agent, whose row its heartbeat just returned, waiting
 * up to `waitSeconds` for one. Returns undefined when none came, the client
 * went away, or the server is stopping.
 */
async function waitForJob(context: ServerContext, agent: Agent, body: NextJobRequest, reply: FastifyReply): Promise<ClaimedJob | undefined> {
  const notifier = notifierOf(context);
  // Plain listeners rather than AbortSignal.any, which adds a dependent signal to the long-lived shutdown signal per long-poll.
  const stopping = new AbortController();
  const onClose = (): void => stopping.abort();
  reply.raw.on('close', onClose);
  context.shutdownSignal.addEventListener('abort', onClose, { once: true });
  if (context.shutdownSignal.aborted) stopping.abort();
  const stop = stopping.signal;
  const deadline = Date.now() + (body.waitSeconds ?? DEFAULT_POLL_WAIT_SECONDS) * 1000;

  notifier.polling.set(agent.id, (notifier.polling.get(agent.id) ?? 0) + 1);
  let wake: WakeReason | undefined;
  try {
    // The caller's heartbeat returned the agent's row, so the first look at the queue needs no read of its own.
    let current: Agent | undefined = agent;
    for (;;) {
      if (stop.aborted || context.isShuttingDown()) break;
      current ??= await context.store.agents.get(agent.id);
      if (current !== undefined && current.status !== 'disabled' && (await claimMayFindJob(context, current.pool))) {
        const claimed = await claimJob(context, current, [current.pool], body.leaseSeconds);
        // NOTE: a client that disconnects during the claim leaves the job leased until the lease expires; it then counts as a lost attempt.
        if (claimed !== undefined) return claimed;
      }
      await forwardUnclaimedWake(context, wake);
      wake = undefined;
      current = undefined;
      const remaining = deadline - Date.now();
      if (remaining <= 0) return undefined;
      wake = await notifier.wait(Math.min(remaining, CLAIM_RECHECK_MS), stop);
    }
    // Stopped while holding a wake: another long-poll takes the job instead.
    await forwardUnclaimedWake(context, wake);
    return undefined;
  } finally {
    reply.raw.off('close', onClose);
    context.shutdownSignal.removeEventListener('abort', onClose);
    const open = (notifier.polling.get(agent.id) ?? 1) - 1;
    if (open > 0) notifier.polling.set(agent.id, open);
    else notifier.polling.delete(agent.id);
  }
}

/**
 * Passes a wake this long-poll received but did not use to the next waiting
 * long-poll, as long as some job of any pool is still queued: the job may be
 * one this agent cannot take.
 */
async function forwardUnclaimedWake(context: ServerContext, wake: WakeReason | undefined): Promise<void> {
  if (wake?.kind !== 'notified' || wake.hopsLeft <= 0) return;
  if (await hasQueuedJob(context)) notifierOf(context).forward(wake.hopsLeft);
}

/**
 * Returns false when a claim in `pool` would find nothing. On PostgreSQL a
 * plain read saves the transaction of such a claim. An SQLite claim starts
 * with the same kind of plain read, so there the check would only add a query.
 */
async function claimMayFindJob(context: ServerContext, pool: string): Promise<boolean> {
  return context.store.dialect === 'sqlite' || hasQueuedJob(context, pool);
}

/**
 * Returns true when some job of `pool` (of any pool without it) is queued.
 * It is a plain read, so on SQLite it does not wait for the write lock.
 */
async function hasQueuedJob(context: ServerContext, pool?: string): Promise<boolean> {
  const row = await context.store.db
    .selectFrom('job_queue')
    .select('id')
    .where('status', '=', 'queued')
    .$if(pool !== undefined, (query) => query.where('pool', '=', pool!))
    .limit(1)
    .executeTakeFirst();
  return row !== undefined;
}

function registerArtifactRoutes(app: FastifyInstance, context: ServerContext): void {
  app.get<{ Params: { id: string } }>('/api/agent/jobs/:id/artifacts', { config: { access: 'agent' } }, async (request) => {
    const { claimed } = await ownedJob(context, request);
    const root = serverArtifactRoot(context, claimed);
    const names = (await readdir(manifestFolder(root)).catch(() => [] as string[])).filter((file) => file.endsWith('.json')).map((file) => file.slice(0, -5));
    const artifacts = [];
    for (const name of names.sort()) artifacts.push({ name, manifest: await readArtifactManifest(root, name) });
    return { artifacts };
  });

  app.get<{ Params: { id: string; sha256: string } }>('/api/agent/jobs/:id/blobs/:sha256', { config: { access: 'agent' } }, async (request, reply) => {
    const { claimed } = await ownedJob(context, request);
    const sha256 = checkSha256(request.params.sha256);
    const path = blobPath(serverArtifactRoot(context, claimed), sha256);
    const size = (await stat(path).catch(() => undefined))?.size;
    if (size === undefined) throw new ApiError('notFound', `the run's artifact store has no blob ${sha256}`);
    return reply.type('application/octet-stream').header('content-length', size).send(createReadStream(path));
  });

  app.post<{ Params: { id: string }; Body: { sha256: string[] } }>(
    '/api/agent/jobs/:id/blobs/missing',
    { config: { access: 'agent' }, schema: { body: missingBlobsBodySchema } },
    async (request) => {
      const { claimed } = await ownedJob(context, request);
      const root = serverArtifactRoot(context, claimed);
      const missing: string[] = [];
      for (const sha256 of new Set(request.body.sha256)) {
        if ((await stat(blobPath(root, sha256)).catch(() => undefined)) === undefined) missing.push(sha256);
      }
      return { missing };
    },
  );

  app.put<{ Params: { id: string; sha256: string } }>('/api/agent/jobs/:id/blobs/:sha256', { config: { access: 'agent' } }, async (request, reply) => {
    const { claimed } = await ownedJob(context, request);
    const sha256 = checkSha256(request.params.sha256);
    if (!(request.body instanceof Object) || typeof (request.body as Readable).pipe !== 'function') {
      throw new ApiError('invalidRequest', 'a blob upload needs the body as application/octet-stream', "send the file's bytes with 'Content-Type: application/octet-stream'");
    }
    await storeUploadedBlob(serverArtifactRoot(context, claimed), sha256, request.body as Readable);
    return reply.status(201).send({ sha256 });
  });

  app.put<{ Params: { id: string; name: string }; Body: { name: string; entries: Array<{ type: string; sha256?: string }> } }>(
    '/api/agent/jobs/:id/artifacts/:name',
    { config: { access: 'agent' }, schema: { body: artifactManifestBodySchema } },
    async (request, reply) => {
      const { claimed } = await ownedJob(context, request);
      const name = request.params.name;
      try {
        validateArtifactName(name);
      } catch (error) {
        throw new ApiError('invalidRequest', (error as Error).message, 'use the name the runner published the artifact under');
      }
      if (request.body.name !== name) throw new ApiError('invalidRequest', `the manifest is of artifact '${request.body.name}', not '${name}'`);
      await storeUploadedManifest(serverArtifactRoot(context, claimed), name, request.body);
      return reply.status(201).send({ name });
    },
  );
}

/** Streams an uploaded blob to a temporary file, checks its SHA-256, and moves it into the store. */
async function storeUploadedBlob(root: string, sha256: string, body: Readable): Promise<void> {
  const temporary = join(root, 'tmp', randomUUID());
  await mkdir(dirname(temporary), { recursive: true });
  const hash = createHash('sha256');
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      hash.update(chunk);
      callback(null, chunk);
    },
  });
  try {
    await pipeline(body, tap, createWriteStream(temporary, { mode: 0o600 }));
    const actual = hash.digest('hex');
    if (actual !== sha256) throw new ApiError('invalidRequest', `the uploaded blob has SHA-256 ${actual}, not ${sha256}`, 'upload the file again; it changed or was cut off in transit');
    const destination = blobPath(root, sha256);
    await mkdir(dirname(destination), { recursive: true });
    await rename(temporary, destination);
  } finally {
    await rm(temporary, { force: true });
  }
}

/**
 * Writes an artifact manifest into the run's store once every blob it names
 * is there. Artifacts are immutable: the same manifest again is accepted (a
 * retried upload), a different one under the same name is SRV005.
 */
async function storeUploadedManifest(root: string, name: string, manifest: { entries: Array<{ type: string; sha256?: string }> }): Promise<void> {
  const missing = [];
  for (const entry of manifest.entries) {
    if (entry.type !== 'file') continue;
    const sha256 = checkSha256(String(entry.sha256));
    if ((await stat(blobPath(root, sha256)).catch(() => undefined)) === undefined) missing.push(sha256);
  }
  if (missing.length > 0) {
    throw new ApiError('invalidRequest', `artifact '${name}' names ${missing.length} blobs the server does not have, first ${missing[0]}`, 'upload the blobs before the manifest');
  }

  const text = JSON.stringify(manifest, null, 2);
  const destination = manifestPath(root, name);
  const existing = await readFile(destination, 'utf8').catch(() => undefined);
  if (existing !== undefined) {
    if (JSON.stringify(JSON.parse(existing)) === JSON.stringify(manifest)) return;
    throw new ApiError('conflict', `artifact '${name}' was already published in this run`, 'artifacts of a run are immutable; publish under another name');
  }

  const temporary = join(root, 'tmp', `${randomUUID()}.json`);
  await mkdir(dirname(temporary), { recursive: true });
  await mkdir(dirname(destination), { recursive: true });
  await writeFile(temporary, text, { mode: 0o600 });
  await rename(temporary, destination);
  try {
    await readArtifactManifest(root, name);
  } catch (error) {
    await rm(destination, { force: true });
    throw new ApiError('invalidRequest', (error as Error).message, 'upload the manifest the runner wrote, unchanged');
  }
}

/** The run's artifact store on the server: the folder `completeJob` indexes. */
function serverArtifactRoot(context: ServerContext, claimed: ClaimedJob): string {
  const requestRoot = claimed.payload.request.artifactStoreRoot ?? join(context.runsRoot, String(claimed.job.runId), 'work', 'artifacts');
  return jobArtifactRoot(context.store.logs.root, claimed.job.runId, requestRoot);
}

function checkSha256(value: string): string {
  if (/^[0-9a-f]{64}$/.test(value)) return value;
  throw new ApiError('invalidRequest', `invalid SHA-256 '${value.slice(0, 80)}': expected 64 lower-case hex digits`);
}

/** Returns the agent whose token made the request. */
async function callingAgent(context: ServerContext, request: FastifyRequest): Promise<Agent> {
  const id = Number(request.token?.owner);
  const agent = Number.isSafeInteger(id) ? await context.store.agents.get(id) : undefined;
  if (agent === undefined) throw new ApiError('unauthorized', 'the agent of this token is no longer registered', 'register the agent again with a registration token');
  if (agent.status === 'disabled') throw new ApiError('forbidden', `agent '${agent.name}' is disabled`, 'an administrator can enable it again');
  return agent;
}

/**
 * Records a heartbeat of the agent whose token made the request and returns
 * its row: one statement where `callingAgent` and a heartbeat take two, and
 * a read only when this process wrote its heartbeat less than
 * HEARTBEAT_WRITE_INTERVAL_SECONDS ago.
 */
async function heartbeatOfCallingAgent(context: ServerContext, request: FastifyRequest): Promise<Agent> {
  const id = Number(request.token?.owner);
  let agent: Agent | undefined;
  try {
    agent = Number.isSafeInteger(id) ? await context.store.agents.heartbeatAtMost(id, HEARTBEAT_WRITE_INTERVAL_SECONDS) : undefined;
  } catch (error) {
    if (!isStoreError(error, StoreErrorCode.NotFound)) throw error;
  }
  if (agent === undefined) throw new ApiError('unauthorized', 'the agent of this token is no longer registered', 'register the agent again with a registration token');
  if (agent.status === 'disabled') throw new ApiError('forbidden', `agent '${agent.name}' is disabled`, 'an administrator can enable it again');
  return agent;
}

/** Returns the job of the `:id` parameter, which must be leased to the calling agent. */
async function ownedJob(context: ServerContext, request: FastifyRequest): Promise<{ agent: Agent; claimed: ClaimedJob }> {
  const agent = await callingAgent(context, request);
  const jobId = positiveId((request.params as { id: string }).id, 'job id');
  await notifierOf(context).assignmentLines.get(jobId);
  const job = await context.store.jobs.get(jobId);
  if (job === undefined) throw new ApiError('notFound', `job ${jobId} not found`);
  if (job.status !== 'leased' || job.leaseOwner !== agent.id) {
    throw new ApiError('conflict', `job ${jobId} is ${job.status} and not leased to agent '${agent.name}'`, 'the lease expired or the job was canceled; drop the job and ask for new work');
  }
  return { agent, claimed: { job, payload: readJobPayload(job) } };
}

/** Rejects an event that would write outside the job's own timeline record and its steps. */
function assertEventOfJob(event: EventsRequest['events'][number], jobRecordId: string, index: number): void {
  let recordId: string | undefined;
  if (event.type === 'record-started' || event.type === 'record-finished') recordId = event.record.id;
  else if ('recordId' in event) recordId = event.recordId;

  if (recordId === jobRecordId || (recordId !== undefined && recordId.startsWith(`${jobRecordId}.`))) return;
  throw new ApiError('invalidRequest', `event ${index} is for record '${String(recordId)}', outside job record '${jobRecordId}'`, "send only events of the job's record and its steps");
}

function assertRunning(context: ServerContext): void {
  if (context.isShuttingDown()) throw new ApiError('shuttingDown', 'the server is shutting down', 'register again once the server has restarted');
}

/**
 * Appends a system line to the log of a record's run attempt and sends it to
 * live subscribers. Without `runAttempt` the line goes to the record's latest attempt.
 */
async function appendSystemLine(context: ServerContext, runId: number, recordId: string, line: string, runAttempt?: number): Promise<void> {
  const event: RunEvent = { type: 'log', recordId, stream: 'system', line, time: new Date().toISOString() };
  // The coordinator adds a re-run's pending records before it queues their jobs, so the latest attempt is the job's.
  const attempt = runAttempt ?? (await context.store.timeline.get(runId, recordId))?.attempt ?? 1;
  await recordRunEvent(context.store, runId, event, { attempt });
  context.live.publishRunEvent(runId, event);
}

/**
 * Every QUEUE_CHECK_MS: queues again the jobs whose agent stopped sending
 * heartbeats (writing why to each job's log), and writes the waiting reason of
 * each queued job to its log when the reason changed.
 */
function startQueueWatcher(context: ServerContext): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    void checkQueue(context)
      .catch((error: unknown) => context.logger.error({ err: error }, 'checking the agent job queue failed'))
      .finally(() => {
        busy = false;
      });
  }, QUEUE_CHECK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

async function checkQueue(context: ServerContext): Promise<void> {
  if (context.isShuttingDown()) return;
  const notifier = notifierOf(context);
  const report = await context.store.jobs.requeueExpiredLeases();
  for (const loss of report.requeued) {
    const agent = loss.agentName === undefined ? 'The agent' : `Agent '${loss.agentName}'`;
    await appendSystemLine(context, loss.runId, loss.recordId, `${agent} stopped sending heartbeats during attempt ${loss.attempt}; the job is queued again for another agent.`);
  }
  for (const loss of report.failed) {
    const agent = loss.agentName === undefined ? 'The agent' : `Agent '${loss.agentName}'`;
    await appendSystemLine(context, loss.runId, loss.recordId, `${agent} stopped sending heartbeats during attempt ${loss.attempt}; the job failed because it lost its agent ${MAX_JOB_ATTEMPTS} times.`);
    context.live.publishJobFinished(loss.jobId);
  }
  if (report.requeued.length > 0) notifier.notify(report.requeued.length);

  const queued = await context.store.jobs.list({ status: 'queued' });
  const queuedIds = new Set(queued.map((job) => job.id));
  for (const id of notifier.reasons.keys()) if (!queuedIds.has(id)) notifier.reasons.delete(id);
  if (queued.length === 0) return;

  const agents = await context.store.agents.list();
  const holders = new Set((await context.store.jobs.list({ status: 'leased' })).map((job) => job.leaseOwner));
  // An agent with an open long-poll has a free slot, whatever it runs besides.
  const busyAgentIds = new Set(agents.filter((agent) => holders.has(agent.id) && !notifier.polling.has(agent.id)).map((agent) => agent.id));
  for (const job of queued) {
    const reason = describeWaitingReason(job, agents, busyAgentIds);
    if (reason === undefined || notifier.reasons.get(job.id) === reason) continue;
    notifier.reasons.set(job.id, reason);
    await appendSystemLine(context, job.runId, job.recordId, reason);
  }
}
