import type { Pipeline } from '../../store/pipeline-repository.js';
import { redactUrl } from '../git-command.js';
import { listRemoteRefs, LS_REMOTE_TIMEOUT_MS } from './mirror-git.js';
import { PolledRefs, type RefMap } from './polled-refs.js';
import type { TriggerOutcome, TriggerService } from './trigger-service.js';

/** How often the poller looks for pipelines whose interval has passed, in milliseconds. */
export const POLLER_SCAN_MS = 5_000;

/** Settings of the poller. */
export interface RefPollerOptions {
  service: TriggerService;
  scanMs?: number;
  lsRemoteTimeoutMs?: number;
  now?: () => number;
}

/**
 * Polls repositories that have a polling interval with `git ls-remote`,
 * compares the refs with those stored at the previous poll, and hands each
 * new or moved branch or tag to the trigger service as a push. The first poll
 * of a pipeline only records its refs, so registering a repository starts no run.
 */
export class RefPoller {
  private readonly refs: PolledRefs;
  private readonly lastPoll = new Map<number, number>();
  private readonly inFlight = new Map<number, Promise<TriggerOutcome[]>>();
  private timer: NodeJS.Timeout | undefined;
  private scanning: Promise<void> | undefined;

  constructor(private readonly options: RefPollerOptions) {
    this.refs = new PolledRefs(options.service.options.context.store);
  }

  /** Starts the scan timer. */
  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.scanning ??= this.scan().finally(() => (this.scanning = undefined));
    }, this.options.scanMs ?? POLLER_SCAN_MS);
    this.timer.unref();
  }

  /** Stops the timer and waits for polls in flight. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.scanning;
    await Promise.allSettled([...this.inFlight.values()]);
  }

  /** Polls every pipeline whose interval has passed since its last poll. */
  async scan(): Promise<void> {
    const { context } = this.options.service.options;
    if (context.isShuttingDown()) return;
    const now = (this.options.now ?? Date.now)();
    try {
      for (const pipeline of await context.store.pipelines.list({ polled: true })) {
        const last = this.lastPoll.get(pipeline.id);
        if (last !== undefined && now - last < (pipeline.pollingIntervalSeconds ?? 0) * 1000) continue;
        this.lastPoll.set(pipeline.id, now);
        await this.pollOnce(pipeline).catch(() => undefined);
      }
    } catch (error) {
      context.logger.error({ err: error }, 'polling scan failed');
    }
  }

  /**
   * Polls one repository now and returns what each changed ref triggered.
   * Polls of one pipeline run one at a time; a failed `git ls-remote` is logged and rethrown.
   */
  pollOnce(pipeline: Pipeline): Promise<TriggerOutcome[]> {
    const previous = this.inFlight.get(pipeline.id) ?? Promise.resolve([]);
    const next = previous.catch(() => []).then(() => this.poll(pipeline));
    this.inFlight.set(pipeline.id, next);
    void next.catch(() => undefined).finally(() => {
      if (this.inFlight.get(pipeline.id) === next) this.inFlight.delete(pipeline.id);
    });
    return next;
  }

  private async poll(pipeline: Pipeline): Promise<TriggerOutcome[]> {
    const { context } = this.options.service.options;
    let current: RefMap;
    try {
      current = await listRemoteRefs(pipeline.repositoryUrl, this.options.lsRemoteTimeoutMs ?? LS_REMOTE_TIMEOUT_MS);
    } catch (error) {
      context.logger.warn({ pipelineId: pipeline.id, repository: redactUrl(pipeline.repositoryUrl), error: error instanceof Error ? error.message : String(error) }, 'polling the repository failed');
      throw error;
    }

    const hasBaseline = await this.refs.hasBaseline(pipeline.id);
    const previous = await this.refs.load(pipeline.id);
    await this.refs.save(pipeline.id, current);
    if (!hasBaseline) {
      context.logger.info({ pipelineId: pipeline.id, refs: current.size }, 'first poll recorded the repository refs');
      return [];
    }

    const outcomes: TriggerOutcome[] = [];
    for (const [ref, commit] of current) {
      const before = previous.get(ref);
      if (before === commit) continue;
      const push = { ref, before, after: commit, isNewRef: before === undefined, isDeletedRef: false, source: 'poller' };
      outcomes.push(await this.options.service.handlePush(pipeline, push).catch((error: unknown) => failed(context, pipeline, ref, error)));
    }
    return outcomes;
  }
}

function failed(context: TriggerService['options']['context'], pipeline: Pipeline, ref: string, error: unknown): TriggerOutcome {
  const message = error instanceof Error ? error.message : String(error);
  context.logger.error({ pipelineId: pipeline.id, ref, err: error }, 'polled push could not be triggered');
  return { runs: [], reason: `the trigger failed: ${redactUrl(message)}` };
}
