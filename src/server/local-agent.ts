import { hostname } from 'node:os';
import type { RunEvent } from '../events/run-event.js';
import { LocalJobRunner } from '../runner/local-job-runner.js';
import type { JobExecutor, JobOutcome, JobRequest } from '../runner/job-request.js';
import type { Agent } from '../store/agent-repository.js';
import { jobArtifactRoot } from '../store/artifact-repository.js';
import { isStoreError } from '../store/store-error.js';
import { StoreErrorCode } from '../store/store-error-codes.js';
import { claimJob, completeJob, recordJobEvents, type ClaimedJob, type JobReportContext } from './job-reports.js';
import { DEFAULT_POOL, HOSTED_POOL } from './remote-job-payload.js';

/** Name under which the built-in agent registers. */
export const LOCAL_AGENT_NAME = 'sluice-local';

/** Lease of a job on the local agent, in seconds; renewed every LOCAL_AGENT_HEARTBEAT_MS. */
export const LOCAL_AGENT_LEASE_SECONDS = 60;

/** How often the local agent renews its leases and checks for a cancel, in milliseconds. */
export const LOCAL_AGENT_HEARTBEAT_MS = 5000;

/** How long the local agent waits between looks at an empty queue, in milliseconds. */
export const LOCAL_AGENT_IDLE_POLL_MS = 500;

/** Events of a job stored in one batch; the runner emits them faster than one write each. */
const EVENT_BATCH_SIZE = 200;

/** Settings of the built-in agent. */
export interface LocalAgentOptions {
  context: JobReportContext;
  /** Pools it takes jobs from; default `Default` and `Azure Pipelines`. */
  pools?: readonly string[];
  /** Jobs it runs at once; default 1, as an Azure agent runs one job at a time. */
  parallelJobs?: number;
  /** Runs each job; default a LocalJobRunner. Tests pass one with a short retry back-off. */
  executor?: JobExecutor;
  idlePollMs?: number;
  heartbeatMs?: number;
  /** Capabilities beyond the defaults (`Agent.OS`, `Agent.Name`). */
  capabilities?: Record<string, string>;
}

/**
 * The agent built into the server: it claims jobs from the store's queue like
 * a remote agent, runs them with the same LocalJobRunner as `sluice run`, and
 * reports events and outcomes through the same functions as the agent routes.
 */
export class LocalAgent {
  private readonly stopSignal = new AbortController();
  private readonly running = new Set<Promise<void>>();
  private readonly jobControllers = new Set<AbortController>();
  private agent: Agent | undefined;
  /** Aborted to end the heartbeat loop's sleep early: on stop, and when a job ends during shutdown. */
  private wake = new AbortController();
  private loops: Promise<void>[] = [];

  constructor(private readonly options: LocalAgentOptions) {}

  /** Registers the agent (or takes over its earlier registration) and starts taking jobs. */
  async start(): Promise<Agent> {
    const { store } = this.options.context;
    this.agent = await store.agents.register(
      {
        name: LOCAL_AGENT_NAME,
        pool: (this.options.pools ?? [DEFAULT_POOL])[0] ?? DEFAULT_POOL,
        capabilities: { 'Agent.OS': agentOs(), 'Agent.Name': LOCAL_AGENT_NAME, 'Agent.ComputerName': hostname(), ...this.options.capabilities },
      },
      { replace: true },
    );
    // Jobs still leased to this agent were running in a process that died: nothing runs them any more.
    const released = await store.jobs.releaseLeases(this.agent.id);
    if (released.length > 0) this.options.context.logger.warn({ agent: LOCAL_AGENT_NAME, jobIds: released }, 'jobs of the previous server process queued again');

    const slots = Math.max(1, this.options.parallelJobs ?? 1);
    this.loops = Array.from({ length: slots }, () => this.workLoop(this.agent!));
    this.loops.push(this.heartbeatLoop(this.agent));
    this.options.context.logger.info({ agent: LOCAL_AGENT_NAME, pools: this.pools(), slots }, 'local agent started');
    return this.agent;
  }

  /**
   * Stops taking jobs and waits for the running ones to report, at most
   * `graceMs`; jobs still running then are canceled and report as canceled.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopSignal.abort();
    this.wake.abort();
    const all = Promise.all(this.loops);
    const timer = setTimeout(() => {
      for (const controller of this.jobControllers) controller.abort();
    }, graceMs);
    await all.finally(() => clearTimeout(timer));
  }

  private pools(): readonly string[] {
    return this.options.pools ?? [DEFAULT_POOL, HOSTED_POOL];
  }

  private async workLoop(agent: Agent): Promise<void> {
    const idlePollMs = this.options.idlePollMs ?? LOCAL_AGENT_IDLE_POLL_MS;
    while (!this.stopSignal.signal.aborted) {
      let claimed: ClaimedJob | undefined;
      try {
        claimed = await claimJob(this.options.context, agent, this.pools(), LOCAL_AGENT_LEASE_SECONDS);
      } catch (error) {
        this.options.context.logger.error({ agent: agent.name, err: error }, 'claiming a job failed');
      }
      if (claimed === undefined) {
        await sleep(idlePollMs, this.stopSignal.signal);
        continue;
      }
      await this.runClaimed(agent, claimed);
    }
  }

  private async runClaimed(agent: Agent, claimed: ClaimedJob): Promise<void> {
    const { context } = this.options;
    const controller = new AbortController();
    this.jobControllers.add(controller);
    const batcher = new EventBatcher((events) => recordJobEvents(context, claimed, agent.name, events));
    const watch = this.watchForCancel(claimed, controller);

    let outcome: JobOutcome;
    try {
      const executor = this.options.executor ?? new LocalJobRunner({ agentName: LOCAL_AGENT_NAME });
      outcome = await executor.runJob(withLocalArtifactRoot(context, claimed), (event) => batcher.add(event), controller.signal);
    } catch (error) {
      context.logger.error({ runId: claimed.job.runId, jobId: claimed.job.id, err: error }, 'local agent job failed in the runner');
      outcome = { result: 'failed', reason: `the runner failed: ${(error as Error).message}`, outputs: {}, variables: {} };
    } finally {
      watch.stop();
      this.jobControllers.delete(controller);
      if (this.stopSignal.signal.aborted) this.wake.abort();
    }

    try {
      await batcher.flush();
      await completeJob(context, claimed, agent.id, outcome);
    } catch (error) {
      // The lease went to another agent or the job was canceled while it ran: its report is no longer wanted.
      const level = isStoreError(error, StoreErrorCode.LeaseLost) ? 'warn' : 'error';
      context.logger[level]({ runId: claimed.job.runId, jobId: claimed.job.id, err: error }, 'reporting the job failed');
    }
  }

  /** Aborts the job when its run is being canceled or the job was withdrawn, checked every heartbeat. */
  private watchForCancel(claimed: ClaimedJob, controller: AbortController): { stop(): void } {
    const { store, live } = this.options.context;
    const stop = new AbortController();
    void (async () => {
      while (!stop.signal.aborted) {
        await live.waitForRunChange(claimed.job.runId, this.options.heartbeatMs ?? LOCAL_AGENT_HEARTBEAT_MS, stop.signal);
        if (stop.signal.aborted) return;
        const [run, job] = await Promise.all([store.runs.get(claimed.job.runId), store.jobs.get(claimed.job.id)]).catch(() => [undefined, undefined]);
        if (run?.status === 'cancelling' || job?.status === 'canceled') controller.abort();
      }
    })();
    return { stop: () => stop.abort() };
  }

  private async heartbeatLoop(agent: Agent): Promise<void> {
    const { store, logger } = this.options.context;
    const heartbeatMs = this.options.heartbeatMs ?? LOCAL_AGENT_HEARTBEAT_MS;
    // Leases are renewed until the last job has reported, after the work loops stop taking jobs.
    while (!this.stopSignal.signal.aborted || this.jobControllers.size > 0) {
      try {
        await store.agents.heartbeat(agent.id);
        await store.jobs.renewLeases(agent.id, LOCAL_AGENT_LEASE_SECONDS);
      } catch (error) {
        logger.error({ agent: agent.name, err: error }, 'agent heartbeat failed');
      }
      await sleep(heartbeatMs, this.wake.signal);
      if (this.wake.signal.aborted) this.wake = new AbortController();
    }
  }
}

/**
 * Collects a job's events and stores them in batches, in order; `flush`
 * stores what is left and waits for every batch.
 */
class EventBatcher {
  private pending: RunEvent[] = [];
  private chain: Promise<void> = Promise.resolve();
  private failure: unknown;

  constructor(private readonly write: (events: readonly RunEvent[]) => Promise<void>) {}

  add(event: RunEvent): void {
    this.pending.push(event);
    // Timeline changes are written at once so the UI shows a step start without waiting for a batch to fill.
    if (this.pending.length >= EVENT_BATCH_SIZE || event.type !== 'log') this.drain();
    else queueMicrotask(() => this.drain());
  }

  async flush(): Promise<void> {
    this.drain();
    await this.chain;
    if (this.failure !== undefined) throw this.failure;
  }

  private drain(): void {
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.chain = this.chain.then(() => this.write(batch)).catch((error: unknown) => {
      this.failure ??= error;
    });
  }
}

function agentOs(): string {
  // Agent.OS values as Azure's agent reports them (learn.microsoft.com …/build/variables, Agent.OS).
  if (process.platform === 'win32') return 'Windows_NT';
  if (process.platform === 'darwin') return 'Darwin';
  return 'Linux';
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (signal?.aborted === true) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}

/** Returns the job's request with the artifact store as this process reaches it, since another server process may have queued the job. */
function withLocalArtifactRoot(context: JobReportContext, claimed: ClaimedJob): JobRequest {
  const { request } = claimed.payload;
  if (request.artifactStoreRoot === undefined) return request;
  return { ...request, artifactStoreRoot: jobArtifactRoot(context.store.logs.root, claimed.job.runId, request.artifactStoreRoot) };
}
