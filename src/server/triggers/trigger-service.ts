import type { Pipeline } from '../../store/pipeline-repository.js';
import type { Run, RunTriggerReason } from '../../store/run-repository.js';
import { decideCiTrigger } from '../../triggers/decide-ci-trigger.js';
import { isPathFilterSet } from '../../triggers/path-filter.js';
import { toFullBranchRef } from '../../triggers/ref-filter.js';
import type { QueueRunRequest } from '../run-coordinator.js';
import type { ServerContext } from '../server-context.js';
import type { CommitStatusReporter, StatusSubject } from './commit-status-reporter.js';
import type { ForgeSettingsRepository } from './forge-settings.js';
import { KeyedSerializer } from './keyed-serializer.js';
import { MirrorGit } from './mirror-git.js';
import { PipelineTriggerReader, type PipelineTriggers } from './pipeline-triggers.js';

/** One push to act on, from a webhook or from the poller. */
export interface PushInput {
  /** `refs/heads/<branch>` or `refs/tags/<tag>`. */
  ref: string;
  /** The commit before the push; undefined or all zeros for a new ref. */
  before?: string;
  after: string;
  isNewRef: boolean;
  isDeletedRef: boolean;
  /** Commit messages from the webhook; read from git when absent. */
  commitMessages?: string[];
  /** Changed paths from a complete webhook commit list; computed with git when absent. */
  changedPaths?: string[];
  /** The repository as the forge names it, for commit statuses. */
  statusRepository?: string;
  /** Who or what noticed the push, for Build.RequestedFor: `webhook`, `poller`. */
  source: string;
}

/** What a trigger did: the runs it queued, or why it queued none. */
export interface TriggerOutcome {
  runs: Run[];
  reason: string;
  /** True when the push was folded into a later batched run. */
  batched?: boolean;
}

/** Settings of the trigger service. */
export interface TriggerServiceOptions {
  context: ServerContext;
  settings: ForgeSettingsRepository;
  reporter: CommitStatusReporter;
}

/**
 * Turns pushes, pull requests and schedule ticks into queued runs through
 * the run coordinator. The decision reads the pipeline file at the commit
 * being built, from the server's mirror. Work for one branch or pull request
 * is serialized, so concurrent deliveries decide in arrival order.
 */
export class TriggerService {
  readonly git: MirrorGit;
  readonly reader: PipelineTriggerReader;
  readonly serializer = new KeyedSerializer();
  /** Branches (`<pipeline id> <ref>`) with pushes waiting for the in-progress run to finish (`batch: true`). */
  private readonly pendingBatches = new Set<string>();
  private readonly batchWatchers = new Set<string>();

  constructor(readonly options: TriggerServiceOptions) {
    this.git = new MirrorGit(options.context.mirrors);
    this.reader = new PipelineTriggerReader(this.git);
  }

  /**
   * Decides a push with the pipeline's CI trigger at the pushed commit and
   * queues an IndividualCI run, or folds it into a batch. A deleted ref never runs.
   */
  async handlePush(pipeline: Pipeline, push: PushInput): Promise<TriggerOutcome> {
    const ref = toFullBranchRef(push.ref);
    if (push.isDeletedRef) return this.skip(pipeline, `the push deleted ${ref}`);

    return this.serializer.run(`${pipeline.id} ${ref}`, async () => {
      await this.git.fetch(pipeline);
      if ((await this.git.resolve(pipeline.id, push.after)) === undefined) {
        return this.skip(pipeline, `the pushed commit ${push.after} is not in the repository`);
      }
      const triggers = await this.readTriggers(pipeline, push.after);
      if (!triggers.found) return this.skip(pipeline, `commit ${push.after} has no ${pipeline.yamlPath}`);

      const before = push.before === undefined || /^0+$/.test(push.before) ? undefined : push.before;
      const messages = push.commitMessages ?? (await this.git.commitMessages(pipeline.id, push.isNewRef ? undefined : before, push.after));
      const needsPaths = triggers.ci.kind === 'filters' && isPathFilterSet(triggers.ci.paths);
      const changedPaths = needsPaths ? (push.changedPaths ?? (await this.pushedPaths(pipeline, before, push))) : [];
      const isNewBranch = push.isNewRef && ref.startsWith('refs/heads/');
      const decision = decideCiTrigger(triggers.ci, { ref, changedPaths, commits: messages.map((message) => ({ message })), isNewBranch });
      if (!decision.run) return this.skip(pipeline, decision.reason, { ref, commit: push.after });

      const subject = { sha: push.after, ref: ref.replace(/^refs\/(heads|tags)\//, ''), repository: push.statusRepository };
      if (decision.batch) return this.queueOrBatch(pipeline, ref, push, subject, decision.reason);
      const run = await this.queue(pipeline, { branch: ref, commit: push.after, reason: 'IndividualCI', requestedBy: push.source }, subject);
      return { runs: [run], reason: decision.reason };
    });
  }

  /** Queues a run through the coordinator and starts its commit statuses. */
  async queue(pipeline: Pipeline, request: Omit<QueueRunRequest, 'pipelineId'>, subject: StatusSubject | undefined): Promise<Run> {
    const run = await this.options.context.coordinator.queueRun({ ...request, pipelineId: pipeline.id });
    this.options.context.logger.info({ runId: run.id, pipelineId: pipeline.id, reason: run.trigger.reason, commit: run.trigger.commit }, 'trigger queued a run');
    this.options.reporter.track(run, pipeline, subject ?? { sha: run.trigger.commit });
    return run;
  }

  /** Reads the trigger sections at a commit and logs their problems once per read. */
  async readTriggers(pipeline: Pipeline, commit: string): Promise<PipelineTriggers> {
    const triggers = await this.reader.read(pipeline, commit);
    for (const diagnostic of triggers.diagnostics.filter((item) => item.severity === 'error')) {
      const at = diagnostic.location === undefined ? '' : `${diagnostic.location.file}:${diagnostic.location.line}:${diagnostic.location.column}`;
      this.options.context.logger.warn({ pipelineId: pipeline.id, commit, code: diagnostic.code, at }, `pipeline trigger problem: ${diagnostic.message}`);
    }
    return triggers;
  }

  /** Resolves when no trigger decision is in progress; for tests and shutdown. */
  async idle(): Promise<void> {
    await this.serializer.idle();
  }

  /** Logs and returns a decision that queued nothing. */
  skip(pipeline: Pipeline, reason: string, fields: Record<string, unknown> = {}): TriggerOutcome {
    this.options.context.logger.info({ pipelineId: pipeline.id, ...fields, reason }, 'trigger queued no run');
    return { runs: [], reason };
  }

  /**
   * Paths a push changed: `before..after`, or for a new branch the changes
   * since it left the default branch (every file when it shares no history).
   */
  private async pushedPaths(pipeline: Pipeline, before: string | undefined, push: PushInput): Promise<string[]> {
    if (before !== undefined && !push.isNewRef) return this.git.changedPaths(pipeline.id, before, push.after);

    const base = await this.git.resolve(pipeline.id, toFullBranchRef(pipeline.defaultBranch));
    const forkPoint = base === undefined ? undefined : await this.git.mergeBase(pipeline.id, base, push.after);
    if (forkPoint === undefined) return this.git.allPaths(pipeline.id, push.after);
    return this.git.changedPaths(pipeline.id, forkPoint, push.after);
  }

  /**
   * `batch: true`: while a CI run of the branch is queued or running, pushes
   * only mark the branch pending; when that run finishes, one BatchedCI run
   * of the branch head builds every change not yet built
   * (learn.microsoft.com/azure/devops/pipelines/yaml-schema/trigger#properties, `batch`).
   */
  private async queueOrBatch(pipeline: Pipeline, ref: string, push: PushInput, subject: StatusSubject, reason: string): Promise<TriggerOutcome> {
    const key = `${pipeline.id} ${ref}`;
    const active = await this.activeCiRun(pipeline.id, ref);
    if (active !== undefined) {
      this.pendingBatches.add(key);
      this.watchBatch(pipeline, ref, active.id);
      this.options.context.logger.info({ pipelineId: pipeline.id, runId: active.id, ref, commit: push.after }, 'push batched until the run in progress finishes');
      return { runs: [], reason: `run ${active.id} of ${ref} is in progress, and the trigger has batch: true`, batched: true };
    }

    const run = await this.queue(pipeline, { branch: ref, commit: push.after, reason: 'IndividualCI', requestedBy: push.source }, subject);
    this.watchBatch(pipeline, ref, run.id);
    return { runs: [run], reason };
  }

  private watchBatch(pipeline: Pipeline, ref: string, runId: number): void {
    const key = `${pipeline.id} ${ref}`;
    if (this.batchWatchers.has(key)) return;
    this.batchWatchers.add(key);

    void this.waitForCompletion(runId)
      .then(() => {
        this.batchWatchers.delete(key);
        return this.serializer.run(key, () => this.flushBatch(pipeline, ref));
      })
      .catch((error: unknown) => {
        this.batchWatchers.delete(key);
        this.options.context.logger.error({ pipelineId: pipeline.id, ref, err: error }, 'batched run could not be queued');
      });
  }

  private async flushBatch(pipeline: Pipeline, ref: string): Promise<void> {
    const key = `${pipeline.id} ${ref}`;
    if (!this.pendingBatches.has(key) || this.options.context.isShuttingDown()) return;

    const active = await this.activeCiRun(pipeline.id, ref);
    if (active !== undefined) {
      this.watchBatch(pipeline, ref, active.id);
      return;
    }
    this.pendingBatches.delete(key);
    // NOTE: the head's own trigger is not decided again; Azure's docs do not say whether it is.
    const run = await this.queue(pipeline, { branch: ref, reason: 'BatchedCI', requestedBy: 'batched CI' }, undefined);
    this.watchBatch(pipeline, ref, run.id);
  }

  /** Waits until a run completes, or the server starts shutting down. */
  private async waitForCompletion(runId: number): Promise<void> {
    const { context } = this.options;
    while (!context.isShuttingDown()) {
      await context.coordinator.waitForRun(runId);
      const run = await context.store.runs.get(runId);
      if (run === undefined || run.status === 'completed') return;
      // Driven by another server process, or not yet started here: wait for a change or poll.
      await context.live.waitForRunChange(runId, 1000, context.shutdownSignal);
    }
  }

  private async activeCiRun(pipelineId: number, ref: string): Promise<Run | undefined> {
    const reasons: RunTriggerReason[] = ['IndividualCI', 'BatchedCI'];
    for (const status of ['queued', 'inProgress', 'cancelling'] as const) {
      const runs = await this.options.context.store.runs.list({ pipelineId, branch: ref, status, limit: 100 });
      const found = runs.find((run) => reasons.includes(run.trigger.reason));
      if (found !== undefined) return found;
    }
    return undefined;
  }
}
