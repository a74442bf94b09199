import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { RunEvent } from '../events/run-event.js';
import type { JobExecutor, JobOutcome, JobRequest } from '../runner/job-request.js';
import { AgentClient, ServerResponseError, isTransientError, retryDelayMs } from './agent-client.js';
import { AgentError, AgentErrorCode } from './agent-error-codes.js';
import { AgentRoutes, leaseSecondsFor, type HeartbeatResponse, type NextJobResponse } from './agent-protocol.js';
import { ArtifactSync } from './artifact-sync.js';
import { EventUploader, sleep } from './event-uploader.js';
import { fetchJobSources } from './job-sources.js';

/** Attempts to report a job's outcome while the server is unreachable, before the agent gives the job up. */
export const COMPLETE_ATTEMPTS = 20;

/** What running one job needs from the agent. */
export interface AgentJobContext {
  client: AgentClient;
  logger: Logger;
  executor: JobExecutor;
  workDir: string;
  heartbeatMs: number;
  /** Aborts when the agent shuts down: the job is canceled and reports as canceled. */
  shutdownSignal: AbortSignal;
}

/**
 * Runs one job the server handed out: fetches its sources and the run's
 * artifacts, runs it with the LocalJobRunner under the work folder while
 * streaming its events and sending heartbeats, uploads the artifacts it
 * published, and reports the outcome. Returns the outcome reported, or
 * undefined when the server took the job away (its lease was lost).
 */
export async function runAgentJob(context: AgentJobContext, assignment: NextJobResponse): Promise<JobOutcome | undefined> {
  const { client, logger } = context;
  const jobId = assignment.jobId;
  const log = logger.child({ jobId, runId: assignment.runId, recordId: assignment.request.record.id, attempt: assignment.attempt });
  const runFolder = join(context.workDir, 'runs', String(assignment.runId));
  const controller = new AbortController();
  let leaseLost = false;

  const uploader = new EventUploader({
    send: async (events) => {
      await client.json('POST', AgentRoutes.events(jobId), { events });
    },
    onFatal: (error) => {
      if (isLeaseLost(error)) leaseLost = true;
      log.error({ err: error }, 'sending job events stopped; canceling the job');
      controller.abort();
    },
    onRetry: (error, attempt, delayMs) => log.warn({ err: error, attempt, delayMs }, 'sending job events failed; retrying'),
  });
  const onShutdown = (): void => controller.abort();
  context.shutdownSignal.addEventListener('abort', onShutdown, { once: true });
  const heartbeats = startHeartbeats(context, jobId, log, {
    onCancel: () => controller.abort(),
    onLeaseLost: () => {
      leaseLost = true;
      uploader.abandon(new AgentError(AgentErrorCode.LeaseLost, `the server no longer leases job ${jobId} to this agent`));
      controller.abort();
    },
  });

  log.info({ stage: assignment.request.stageName, job: assignment.request.jobName }, 'job started');
  const sync = new ArtifactSync(client, jobId, join(runFolder, 'artifacts'));
  let outcome: JobOutcome;
  try {
    const sourcePath = await fetchJobSources(runFolder, assignment.source.repositoryUrl, assignment.source.commit);
    await sync.download(controller.signal);
    const request = localRequest(assignment.request, runFolder, sourcePath, context.workDir);
    outcome = await context.executor.runJob(request, (event) => uploader.add(event), controller.signal);
  } catch (error) {
    outcome = failedBeforeSteps(error, assignment, (event) => uploader.add(event));
    log.error({ err: error }, 'job could not start');
  } finally {
    context.shutdownSignal.removeEventListener('abort', onShutdown);
  }

  try {
    outcome = await finishUploads(uploader, sync, outcome, leaseLost);
    if (leaseLost) {
      log.warn({}, 'the server took the job away; its outcome is not reported');
      return undefined;
    }
    if (context.shutdownSignal.aborted && outcome.result === 'canceled') outcome = { ...outcome, reason: 'the agent was stopped while the job ran' };
    const reported = await reportOutcome(client, jobId, outcome, log);
    if (!reported) return undefined;
    log.info({ result: outcome.result }, 'job finished');
    return outcome;
  } finally {
    heartbeats.stop();
  }
}

/** Sends the last events and the new artifacts; a failure of either fails a job that had succeeded. */
async function finishUploads(uploader: EventUploader, sync: ArtifactSync, outcome: JobOutcome, leaseLost: boolean): Promise<JobOutcome> {
  if (leaseLost) return outcome;
  try {
    await uploader.flush();
    if (outcome.result !== 'canceled') await sync.upload();
    return outcome;
  } catch (error) {
    const code = error instanceof AgentError ? `${error.code}: ` : '';
    return { ...outcome, result: outcome.result === 'canceled' ? 'canceled' : 'failed', reason: `${code}${(error as Error).message}` };
  }
}

/** Reports the outcome, retrying while the server is unreachable; returns false when the server no longer takes it. */
async function reportOutcome(client: AgentClient, jobId: number, outcome: JobOutcome, log: Logger): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await client.json('POST', AgentRoutes.complete(jobId), { outcome });
      return true;
    } catch (error) {
      if (isLeaseLost(error)) {
        log.warn({ err: error }, 'the server no longer leases the job; its outcome is dropped');
        return false;
      }
      if (!isTransientError(error) || attempt >= COMPLETE_ATTEMPTS) {
        log.error({ err: error, attempt }, 'reporting the job outcome failed');
        return false;
      }
      const delayMs = retryDelayMs(attempt);
      log.warn({ err: error, attempt, delayMs }, 'reporting the job outcome failed; retrying');
      await sleep(delayMs);
    }
  }
}

/** Sends a heartbeat every `heartbeatMs` until stopped; the answer may cancel the job or say the lease is gone. */
function startHeartbeats(context: AgentJobContext, jobId: number, log: Logger, handlers: { onCancel(): void; onLeaseLost(): void }): { stop(): void } {
  const stop = new AbortController();
  const leaseSeconds = leaseSecondsFor(context.heartbeatMs);
  void (async () => {
    let canceled = false;
    while (!stop.signal.aborted) {
      await sleep(context.heartbeatMs, stop.signal);
      if (stop.signal.aborted) return;
      try {
        const answer = await context.client.json<HeartbeatResponse>('POST', AgentRoutes.heartbeat(jobId), { leaseSeconds });
        if (answer?.cancel === true && !canceled) {
          canceled = true;
          log.info({}, 'the server canceled the job');
          handlers.onCancel();
        }
      } catch (error) {
        if (isLeaseLost(error)) {
          log.warn({ err: error }, 'heartbeat rejected: the job is no longer leased to this agent');
          handlers.onLeaseLost();
          return;
        }
        log.warn({ err: error }, 'heartbeat failed');
      }
    }
  })();
  return { stop: () => stop.abort() };
}

/** The server's request with the paths of this machine: sources, workspace, artifact store and cache under the work folder. */
function localRequest(request: JobRequest, runFolder: string, sourcePath: string, workDir: string): JobRequest {
  const local: JobRequest = {
    ...request,
    source: { path: sourcePath, inPlace: false },
    workRoot: join(runFolder, 'work'),
    artifactStoreRoot: join(runFolder, 'artifacts'),
    cacheRoot: join(workDir, 'cache'),
  };
  if (request.repositories !== undefined) {
    // NOTE: repository resources are local paths on the server; an agent on another machine sees only those it has at the same path.
    local.repositories = Object.fromEntries(Object.entries(request.repositories).filter(([, repository]) => existsSync(repository.path)));
  }
  return local;
}

function failedBeforeSteps(error: unknown, assignment: NextJobResponse, sink: (event: RunEvent) => void): JobOutcome {
  const message = error instanceof AgentError ? `${error.code}: ${error.message}${error.hint === undefined ? '' : ` (${error.hint})`}` : `the agent failed to start the job: ${(error as Error).message}`;
  const time = new Date().toISOString();
  sink({ type: 'log', recordId: assignment.request.record.id, stream: 'system', line: message, format: 'error', time });
  sink({ type: 'issue', recordId: assignment.request.record.id, issueType: 'error', message, time });
  return { result: 'failed', reason: message, outputs: {}, variables: {} };
}

function isLeaseLost(error: unknown): boolean {
  if (error instanceof AgentError) return error.code === AgentErrorCode.LeaseLost;
  return error instanceof ServerResponseError && (error.status === 409 || error.status === 404);
}
