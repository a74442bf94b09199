import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { RecordRef, RunEvent } from '../events/run-event.js';
import type { TaskResult } from '../events/task-result.js';
import type { Diagnostic } from '../language/diagnostic.js';
import { runPipeline, type RunOutcome } from '../orchestrator/run-pipeline.js';
import type { RunPlan } from '../plan/run-plan.js';
import { preparePipeline } from '../cli/prepare-pipeline.js';
import type { JobOutcome } from '../runner/job-request.js';
import type { Store } from '../store/open-store.js';
import type { SecretBox } from '../store/secret-box.js';
import { recordRunEvent } from '../store/record-run-event.js';
import { artifactContentRoot } from '../store/artifact-repository.js';
import type { Pipeline } from '../store/pipeline-repository.js';
import type { QueueTimeVariable, Run, RunTriggerReason } from '../store/run-repository.js';
import { ApiError } from './api-error.js';
import type { LiveEvents } from './live-events.js';
import { RemoteJobExecutor } from './remote-job-executor.js';
import type { RepositoryMirrors } from './repository-mirrors.js';
import { attemptBaseline, currentRunAttempt } from './run-attempts.js';
import { formatServerRunNumber, serverCompileTimeVariables, serverRunVariables } from './server-run-variables.js';
import { pipelineVariableScope } from './pipeline-variable-scope.js';
import type { ServerLogger } from './server-logger.js';
import type { ServerMetrics } from './server-metrics.js';
import { redactUrl } from './git-command.js';
import { reserveRunCounters } from './run-counters.js';
import type { RunClaims } from './run-ownership.js';

/** Jobs of one run that may run at once when the caller gives no limit. */
export const DEFAULT_MAX_PARALLEL_JOBS = 16;

/** How often a driven run reads its status to notice a cancel made by another server process, in milliseconds. */
export const RUN_STATUS_POLL_MS = 1000;

/** A request to queue a run, from the API or a trigger. */
export interface QueueRunRequest {
  pipelineId: number;
  /** Branch name or full ref; default: the pipeline's default branch. */
  branch?: string;
  /** Commit SHA to run; default: the head of the branch after a fetch. */
  commit?: string;
  reason?: RunTriggerReason;
  pullRequestNumber?: number;
  /** Runtime parameters (`parameters:` of the YAML) by name. */
  parameters?: Record<string, string>;
  /** Queue-time variables; secret values are stored encrypted. */
  variables?: Record<string, QueueTimeVariable>;
  /** User or trigger that queued the run (Build.RequestedFor). */
  requestedBy: string;
}

/** Settings of the run coordinator. */
export interface RunCoordinatorOptions {
  store: Store;
  live: LiveEvents;
  metrics: ServerMetrics;
  logger: ServerLogger;
  mirrors: RepositoryMirrors;
  /** Encrypts secret job variables in the job queue. */
  secrets: SecretBox;
  /** Folder of run checkouts and job workspaces: `<runsRoot>/<run id>/`. */
  runsRoot: string;
  maxParallelJobs?: number;
  /** Poll interval of job and run status reads, in milliseconds; tests shorten it. */
  pollMs?: number;
  /** Run leases shared by server processes on one database; without it every run is driven here. */
  ownership?: RunClaims;
}

/** Thrown inside a run's executor when the server stops; the run stays in progress and is resumed at the next start. */
class ServerStoppingError extends Error {
  constructor() {
    super('the server is stopping');
  }
}

/** Thrown inside a run's executor when another server process took the run over; this process stops driving it. */
class RunLostError extends Error {
  constructor(runId: number) {
    super(`run ${runId} is driven by another server process now`);
  }
}

interface DrivenRun {
  /** Aborting it cancels the run (its jobs too). */
  controller: AbortController;
  /** Aborted when this process must stop driving the run without touching it further: another process holds its lease. */
  lost: AbortController;
  done: Promise<void>;
}

/**
 * Drives runs on the server: resolves the commit, reads the YAML at that
 * commit, plans it, and runs the plan with the same orchestrator as
 * `sluice run`, jobs going to agents through the job queue. The timeline, the
 * logs and the result go to the store as they happen, so a run survives a
 * restart: `resumeRuns` drives unfinished runs again, reusing finished jobs.
 */
export class RunCoordinator {
  private readonly driven = new Map<number, DrivenRun>();
  private readonly shutdown = new AbortController();
  private readonly pollMs: number;

  constructor(private readonly options: RunCoordinatorOptions) {
    this.pollMs = options.pollMs ?? RUN_STATUS_POLL_MS;
    options.ownership?.onLost?.((runId) => this.abandon(runId));
  }

  /** True once `stop` has been called: no run is queued or driven any more. */
  get stopping(): boolean {
    return this.shutdown.signal.aborted;
  }

  /**
   * Fetches the repository, resolves the commit and stores a queued run, then
   * drives it in the background. An unknown pipeline is SRV003, an unknown
   * branch or commit SRV006, a git failure SRV007. A pipeline file that does
   * not load or plan gives a run that completes as failed, as in Azure.
   */
  async queueRun(request: QueueRunRequest): Promise<Run> {
    this.assertRunning();
    const pipeline = await this.pipeline(request.pipelineId);
    const revision = await this.options.mirrors.fetchRevision(pipeline, request.branch ?? pipeline.defaultBranch, request.commit);

    const trigger = { reason: request.reason ?? 'Manual', branch: revision.branch, commit: revision.commit } as Run['trigger'];
    if (request.pullRequestNumber !== undefined) trigger.pullRequestNumber = request.pullRequestNumber;
    const run = await this.options.store.runs.create({
      pipelineId: pipeline.id,
      trigger,
      parameters: request.parameters ?? {},
      variables: request.variables ?? {},
      requestedBy: request.requestedBy,
    });
    this.options.logger.info({ runId: run.id, pipelineId: pipeline.id, commit: revision.commit, reason: trigger.reason }, 'run queued');
    // Another process's takeover scan may have claimed the new run first; it then drives it.
    if (await this.claim(run.id)) this.startDriving(run.id, 1);
    return run;
  }

  /**
   * Cancels a run: aborts its orchestrator here (or in the process that drives
   * it, which polls the status) and withdraws its queued jobs. Agents running
   * its jobs learn of it through their heartbeat. A completed run is SRV008.
   */
  async cancelRun(runId: number, requestedBy: string): Promise<Run> {
    const accepted = await this.options.store.runs.requestCancel(runId);
    if (!accepted) throw new ApiError('invalidRunState', `run ${runId} has already completed`, 'only a queued or running run can be canceled');

    for (const job of await this.options.store.jobs.list({ runId, status: 'queued' })) {
      if (await this.options.store.jobs.cancel(job.id)) this.options.live.publishJobFinished(job.id);
    }
    this.driven.get(runId)?.controller.abort();
    this.options.live.publishRunChanged(runId);
    this.options.logger.info({ runId, requestedBy }, 'run cancel requested');
    return (await this.options.store.runs.get(runId))!;
  }

  /**
   * Starts a new attempt of a completed run in which the jobs that succeeded
   * keep their outcome and the failed or canceled ones run again. A run that
   * has not completed, or that has nothing to re-run, is SRV008.
   */
  async rerunFailedJobs(runId: number, requestedBy: string): Promise<Run> {
    this.assertRunning();
    const run = await this.options.store.runs.get(runId);
    if (run === undefined) throw new ApiError('notFound', `run ${runId} not found`);
    if (run.status !== 'completed') throw new ApiError('invalidRunState', `run ${runId} is ${run.status}`, 'wait until the run completes, or cancel it first');
    if (run.result !== 'failed' && run.result !== 'canceled') {
      throw new ApiError('invalidRunState', `run ${runId} ${run.result === undefined ? 'has no result' : `is ${run.result}`}, so no job needs to run again`, 'queue a new run instead');
    }

    const attempt = (await currentRunAttempt(this.options.store, runId)) + 1;
    if (!(await this.claim(runId))) throw new ApiError('invalidRunState', `run ${runId} is being re-run by another server process`, 'wait until that attempt completes');
    if (!(await this.options.store.runs.reopen(runId))) {
      await this.release(runId);
      throw new ApiError('invalidRunState', `run ${runId} is no longer completed`);
    }
    this.options.logger.info({ runId, attempt, requestedBy }, 'failed jobs of run queued again');
    this.startDriving(runId, attempt);
    return (await this.options.store.runs.get(runId))!;
  }

  /** Drives every run that was queued, running or being canceled when the server stopped; returns how many. */
  async resumeRuns(): Promise<number> {
    let resumed = 0;
    for (const status of ['queued', 'inProgress', 'cancelling'] as const) {
      let beforeId: number | undefined;
      for (;;) {
        const page = await this.options.store.runs.list({ status, beforeId, limit: 100 });
        for (const run of page) {
          if (this.driven.has(run.id) || this.stopping) continue;
          if (!(await this.claim(run.id))) continue;
          const attempt = await currentRunAttempt(this.options.store, run.id);
          this.options.logger.info({ runId: run.id, attempt, status }, 'run resumed after restart');
          this.startDriving(run.id, attempt);
          resumed += 1;
        }
        if (page.length < 100) break;
        beforeId = page[page.length - 1]!.id;
      }
    }
    return resumed;
  }

  /** Ids of the runs this process drives. */
  drivenRunIds(): number[] {
    return [...this.driven.keys()];
  }

  /** Resolves when this process has stopped driving the run (it completed, or the server stopped). */
  async waitForRun(runId: number): Promise<void> {
    await this.driven.get(runId)?.done;
  }

  /**
   * Stops driving runs without completing them: they stay in progress in the
   * store, and their jobs stay queued or leased, so the next start resumes them.
   */
  async stop(): Promise<void> {
    this.shutdown.abort();
    await Promise.all([...this.driven.values()].map((run) => run.done));
  }

  private assertRunning(): void {
    if (this.stopping) throw new ApiError('shuttingDown', 'the server is shutting down and takes no new runs', 'queue the run again once the server has restarted');
  }

  private async pipeline(pipelineId: number): Promise<Pipeline> {
    const pipeline = await this.options.store.pipelines.get(pipelineId);
    if (pipeline === undefined) throw new ApiError('notFound', `pipeline ${pipelineId} not found`, 'list the pipelines with GET /api/pipelines');
    return pipeline;
  }

  private startDriving(runId: number, attempt: number): void {
    const controller = new AbortController();
    const lost = new AbortController();
    const done = this.drive(runId, attempt, controller, lost.signal)
      .catch((error: unknown) => (lost.signal.aborted ? undefined : this.failRun(runId, error)))
      .finally(async () => {
        this.driven.delete(runId);
        // The release deletes only this process's own lease, never the new owner's.
        await this.release(runId);
      });
    this.driven.set(runId, { controller, lost, done });
  }

  /**
   * Stops driving a run whose lease another process took (this process
   * stalled past the lease): its orchestration ends without writing events or
   * a result, and its jobs stay queued or leased for the new owner.
   */
  private abandon(runId: number): void {
    const run = this.driven.get(runId);
    if (run === undefined || run.lost.signal.aborted) return;
    this.options.logger.warn({ runId }, 'run abandoned: another server process drives it now');
    run.lost.abort(new RunLostError(runId));
  }

  /** Resolves true while this process may write for the run; false once another process holds its lease. */
  private async stillOwned(runId: number): Promise<boolean> {
    const confirm = this.options.ownership?.confirm;
    if (confirm === undefined) return true;
    const owned = await confirm.call(this.options.ownership, runId);
    if (!owned) this.abandon(runId);
    return owned;
  }

  private async claim(runId: number): Promise<boolean> {
    return (await this.options.ownership?.claim(runId)) ?? true;
  }

  /** Gives up the run's lease; a failure only delays another process's takeover until the lease expires. */
  private async release(runId: number): Promise<void> {
    await this.options.ownership?.release(runId).catch((error: unknown) => {
      this.options.logger.error({ runId, err: error }, 'releasing the run lease failed');
    });
  }

  private async drive(runId: number, attempt: number, controller: AbortController, lost: AbortSignal): Promise<void> {
    const { store, logger } = this.options;
    const run = (await store.runs.get(runId))!;
    const pipeline = await this.pipeline(run.pipelineId);
    const runFolder = join(this.options.runsRoot, String(runId));
    const sourceRoot = join(runFolder, 'source');

    const revision = await this.options.mirrors.knownRevision(pipeline, run.trigger.branch, run.trigger.commit);
    await this.options.mirrors.addCheckout(pipeline.id, run.trigger.commit, sourceRoot);
    const facts = { pipeline, run, commitMessage: revision.message, runAttempt: attempt, startTime: new Date(run.queuedAt) };

    const prepared = await preparePipeline(
      { path: join(sourceRoot, pipeline.yamlPath), displayPath: pipeline.yamlPath, sourceRoot },
      { hostOs: 'linux', platformMap: {} },
      'run',
      { parameters: stringParameters(run.parameters), variables: serverCompileTimeVariables(facts) },
    );
    const errors = prepared.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (prepared.plan === undefined || errors.length > 0) {
      await this.finishRun(runId, 'failed', `the pipeline file is invalid:\n${describeDiagnostics(errors)}`);
      return;
    }
    const plan = prepared.plan;

    const runNumber = run.runNumber ?? (await this.assignRunNumber(facts, plan));
    const baseline = await attemptBaseline(store, runId, attempt);
    // Reused jobs keep their record of the attempt that ran them.
    await store.timeline.addPending(runId, pendingRecords(plan).filter((record) => !baseline.reusedOutcomes.has(record.id)), attempt);
    if (run.status === 'cancelling') controller.abort();
    const stopWatching = this.watchForCancel(runId, controller);

    const detached = AbortSignal.any([this.shutdown.signal, lost]);
    const recorder = new RunEventRecorder(this.options, runId, attempt, baseline.frozenRecords, detached, () => this.stillOwned(runId));
    const queueVariables = await store.runs.queueTimeVariables(runId);
    const pipelineScope = await pipelineVariableScope({ store, secrets: this.options.secrets, run, queueVariables, attempt, issueRecordId: plan.stages[0]?.name, logger });
    if (pipelineScope.issue !== undefined) recorder.record(pipelineScope.issue);
    const variables = {
      // Pipeline variables come first: predefined variables and every YAML scope override them.
      runVariables: { ...pipelineScope.variables, ...serverRunVariables(facts, runNumber) },
      queueVariables: plainValues(queueVariables, false),
      secrets: plainValues(queueVariables, true),
      startTime: facts.startTime,
    };
    // Reserved before the run starts, because the orchestrator evaluates counter() synchronously.
    const counter = await reserveRunCounters(plan, variables, { pipelineId: pipeline.id, runId }, store.counters);
    let outcome: RunOutcome;
    try {
      outcome = await runPipeline(plan, {
        runId: String(runId),
        executor: this.executor(runId, attempt, pipeline, run, baseline.reusedOutcomes, detached),
        sink: (event) => recorder.record(event),
        signal: controller.signal,
        maxParallelJobs: this.options.maxParallelJobs ?? DEFAULT_MAX_PARALLEL_JOBS,
        ...variables,
        counter,
        source: { path: sourceRoot, inPlace: false },
        workRoot: join(runFolder, 'work'),
        artifactStoreRoot: artifactContentRoot(store.logs.root, runId),
      });
    } finally {
      stopWatching();
      await recorder.flush();
    }

    if (lost.aborted) {
      logger.warn({ runId, attempt }, 'run left to the server process that took it over');
      return;
    }
    if (this.stopping) {
      logger.info({ runId, attempt }, 'run left in progress for the next start');
      return;
    }
    if (!(await this.stillOwned(runId))) {
      logger.warn({ runId, attempt }, 'run left to the server process that took it over');
      return;
    }
    await this.finishRun(runId, outcome.result, runReason(outcome, controller.signal.aborted));
    await this.options.mirrors.removeCheckout(pipeline.id, sourceRoot);
    await removeJobWorkspaces(join(runFolder, 'work'));
  }

  private executor(runId: number, attempt: number, pipeline: Pipeline, run: Run, reused: Map<string, JobOutcome>, detached: AbortSignal) {
    const executor = new RemoteJobExecutor({
      store: this.options.store,
      live: this.options.live,
      logger: this.options.logger,
      secrets: this.options.secrets,
      runId,
      runAttempt: attempt,
      source: { repositoryUrl: pipeline.repositoryUrl, branch: run.trigger.branch, commit: run.trigger.commit },
      reusedOutcomes: reused,
      pollMs: this.pollMs,
    });
    const stopped = (): Error => (this.shutdown.signal.aborted ? new ServerStoppingError() : new RunLostError(runId));
    return {
      runJob: async (...args: Parameters<RemoteJobExecutor['runJob']>) => {
        // Queueing a job is a write: after a stall, check first that no other process drives the run now.
        if (detached.aborted || !(await this.stillOwned(runId))) throw stopped();
        // The job's own signal, or the server stopping, or the run lost, ends the wait; only the first cancels the job.
        const outcome = await untilAborted(executor.runJob(...args), detached);
        if (outcome === undefined) throw stopped();
        return outcome;
      },
    };
  }

  private async assignRunNumber(facts: Parameters<typeof formatServerRunNumber>[0], plan: RunPlan): Promise<string> {
    const format = plan.definition.name?.value;
    const runNumber = await formatServerRunNumber(facts, format, (prefix) => this.options.store.counters.nextRevision(facts.pipeline.id, prefix));
    await this.options.store.runs.setRunNumber(facts.run.id, runNumber);
    return runNumber;
  }

  private watchForCancel(runId: number, controller: AbortController): () => void {
    const stop = new AbortController();
    void (async () => {
      while (!stop.signal.aborted && !controller.signal.aborted) {
        await this.options.live.waitForRunChange(runId, this.pollMs, stop.signal);
        if (stop.signal.aborted) return;
        const run = await this.options.store.runs.get(runId).catch(() => undefined);
        if (run?.status === 'cancelling') controller.abort();
      }
    })();
    return () => stop.abort();
  }

  private async finishRun(runId: number, result: TaskResult, reason: string | undefined): Promise<void> {
    await this.options.store.runs.complete(runId, result, reason);
    this.options.metrics.countRunFinished(result);
    this.options.live.publishRunChanged(runId);
    this.options.logger.info({ runId, result }, 'run completed');
  }

  private async failRun(runId: number, error: unknown): Promise<void> {
    if (this.stopping || !(await this.stillOwned(runId).catch(() => false))) return;
    const message = error instanceof Error ? error.message : String(error);
    this.options.logger.error({ runId, err: error }, 'run failed in the server');
    await this.finishRun(runId, 'failed', `the server could not run the pipeline: ${redactUrl(message)}`).catch((storeError: unknown) => {
      this.options.logger.error({ runId, err: storeError }, 'storing the failed run failed');
    });
  }
}

/**
 * Stores the orchestrator's events of one run attempt in order, drops those
 * of records that are frozen (finished before this drive), and marks the run
 * started when its first job starts. A job's `record-started` is only published
 * live: claimJob stores it when an agent takes the job.
 */
class RunEventRecorder {
  private chain: Promise<void> = Promise.resolve();
  private started = false;

  constructor(
    private readonly options: RunCoordinatorOptions,
    private readonly runId: number,
    private readonly attempt: number,
    private readonly frozen: ReadonlySet<string>,
    /** Aborted when the server stops or another process took the run: events are dropped from then on. */
    private readonly detached: AbortSignal,
    /** Confirms the run's lease before each write. */
    private readonly stillOwned: () => Promise<boolean>,
  ) {}

  record(event: RunEvent): void {
    if (this.detached.aborted) return;
    if ((event.type === 'record-started' || event.type === 'record-finished') && this.frozen.has(event.record.id)) return;
    this.chain = this.chain.then(() => this.store(event)).catch((error: unknown) => {
      this.options.logger.error({ runId: this.runId, err: error, event: event.type }, 'storing a run event failed');
    });
  }

  async flush(): Promise<void> {
    await this.chain;
  }

  private async store(event: RunEvent): Promise<void> {
    const { store, live } = this.options;
    if (this.detached.aborted || !(await this.stillOwned())) return;
    if (event.type === 'record-started' && event.record.type === 'job') {
      if (!this.started) {
        this.started = true;
        await store.runs.markStarted(this.runId);
      }
      // The job's timeline record is written once, by claimJob when an agent takes the job
      // (with the agent's name), so a queued job stays pending in the store until then.
      live.publishRunEvent(this.runId, event);
      return;
    }
    await recordRunEvent(store, this.runId, event, { attempt: this.attempt });
    live.publishRunEvent(this.runId, event);
  }
}

/** Lists the stage and job records of a plan, so the timeline shows them before they start. */
function pendingRecords(plan: RunPlan): RecordRef[] {
  const records: RecordRef[] = [];
  for (const stage of plan.stages) {
    records.push({ id: stage.name, type: 'stage', name: stage.name, displayName: stage.displayName });
    for (const job of stage.jobs) {
      for (const instance of job.instances) {
        records.push({ id: `${stage.name}.${instance.name}`, parentId: stage.name, type: 'job', name: instance.name, displayName: instance.displayName });
      }
    }
  }
  return records;
}

function runReason(outcome: RunOutcome, canceled: boolean): string | undefined {
  if (canceled) return 'the run was canceled';
  for (const stage of outcome.stages) {
    for (const job of stage.jobs) {
      if (job.result === 'failed') return `job ${stage.name}.${job.name} failed${job.reason === undefined ? '' : `: ${job.reason}`}`;
    }
    if (stage.result === 'failed' && stage.reason !== undefined) return `stage ${stage.name} failed: ${stage.reason}`;
  }
  return undefined;
}

function describeDiagnostics(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((diagnostic) => {
      const where = diagnostic.location === undefined ? '' : `${diagnostic.location.file}:${diagnostic.location.line}:${diagnostic.location.column}: `;
      return `${where}${diagnostic.code}: ${diagnostic.message}`;
    })
    .join('\n');
}

function stringParameters(parameters: Record<string, unknown>): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(parameters)) values[name] = typeof value === 'string' ? value : JSON.stringify(value);
  return values;
}

function plainValues(variables: Record<string, QueueTimeVariable>, secret: boolean): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, variable] of Object.entries(variables)) if (variable.isSecret === secret) values[name] = variable.value;
  return values;
}

/** Deletes the job workspaces of a finished run and keeps its published artifacts. */
async function removeJobWorkspaces(workRoot: string): Promise<void> {
  const entries = await readdir(workRoot).catch(() => [] as string[]);
  for (const entry of entries) {
    if (entry !== 'artifacts') await rm(join(workRoot, entry), { recursive: true, force: true });
  }
  await mkdir(workRoot, { recursive: true });
}

/** Resolves with the promise's value, or with undefined as soon as `signal` aborts. */
async function untilAborted<T>(promise: Promise<T>, signal: AbortSignal): Promise<T | undefined> {
  if (signal.aborted) return undefined;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<undefined>((resolve) => {
    onAbort = () => resolve(undefined);
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return await Promise.race([promise, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort!);
  }
}
