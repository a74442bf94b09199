import type { RunEvent } from '../../events/run-event.js';
import type { TaskResult } from '../../events/task-result.js';
import type { Pipeline } from '../../store/pipeline-repository.js';
import type { Run } from '../../store/run-repository.js';
import { buildCommitStatusRequest, type CommitState, type CommitStatus } from '../../triggers/commit-status.js';
import type { ServerContext } from '../server-context.js';
import { sendForgeRequest } from './forge-client.js';
import { repositoryFromUrl, type ForgeSettings, type ForgeSettingsRepository } from './forge-settings.js';

/** Waits between attempts of a failed status request, in milliseconds; one attempt more than entries. */
export const DEFAULT_STATUS_RETRY_DELAYS_MS = [1_000, 5_000, 30_000];

/** The commit a run reports on. */
export interface StatusSubject {
  /** The commit that gets the status: the pushed commit, or a pull request's source commit. */
  sha: string;
  /** Branch or tag name, which GitLab's status API takes. */
  ref?: string;
  /** The repository named by the webhook, used when the settings name none: `owner/name` or a GitLab project id. */
  repository?: string;
}

/** Settings of the commit status reporter. */
export interface CommitStatusReporterOptions {
  context: ServerContext;
  settings: ForgeSettingsRepository;
  /** Base URL of the Sluice web UI; the status links to `<publicUrl>/runs/<id>`. No link when absent. */
  publicUrl?: string;
  retryDelaysMs?: readonly number[];
}

/**
 * Reports the state of runs to the forge as commit statuses: pending when the
 * run is queued, then success, failure or error when it completes, and the
 * same per stage when the pipeline's settings ask for it. Requests of one run
 * go out in order, a failed one is retried with back-off, and nothing here
 * ever delays or fails the run. Failures are logged with the run id; the
 * token never reaches a log.
 */
export class CommitStatusReporter {
  private readonly chains = new Map<number, Promise<void>>();
  private readonly watchers = new Set<Promise<void>>();
  private readonly stop = new AbortController();

  constructor(private readonly options: CommitStatusReporterOptions) {}

  /**
   * Starts reporting on a run just queued. Does nothing when the pipeline has
   * no forge settings. Returns at once; `idle` waits for the requests.
   */
  track(run: Run, pipeline: Pipeline, subject: StatusSubject): void {
    const watcher = this.watch(run, pipeline, subject).catch((error: unknown) => {
      this.options.context.logger.error({ runId: run.id, pipelineId: pipeline.id, err: error }, 'commit status reporting failed');
    });
    this.watchers.add(watcher);
    void watcher.finally(() => this.watchers.delete(watcher));
  }

  /** Resolves when every tracked run has finished and its statuses were sent or given up. */
  async idle(): Promise<void> {
    while (this.watchers.size > 0) await Promise.all([...this.watchers]);
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  /** Stops retrying and waits for the requests in flight. */
  async close(): Promise<void> {
    this.stop.abort();
    await this.idle();
  }

  private async watch(run: Run, pipeline: Pipeline, subject: StatusSubject): Promise<void> {
    const { context } = this.options;
    const settings = await this.options.settings.get(pipeline.id);
    if (settings === undefined) return;

    const repository = settings.repository ?? subject.repository ?? repositoryFromUrl(pipeline.repositoryUrl);
    if (repository === undefined) {
      context.logger.warn({ runId: run.id, pipelineId: pipeline.id }, 'commit status skipped: no forge repository is set and the URL names none');
      return;
    }

    const name = `sluice/${pipeline.name}`;
    const target = { settings, repository, subject, runId: run.id };
    this.enqueue(target, { context: name, state: 'pending', description: `Run ${run.id} is queued` });

    const unsubscribe = settings.statusPerStage
      ? context.live.subscribeToRun(run.id, (event) => this.onStageEvent(target, name, event))
      : () => undefined;
    try {
      await context.coordinator.waitForRun(run.id);
    } finally {
      unsubscribe();
    }

    const finished = await context.store.runs.get(run.id);
    // A run left unfinished by a server shutdown gets its final status from no one; the forge keeps "pending".
    if (finished?.status !== 'completed' || finished.result === undefined) return;
    this.enqueue(target, { context: name, state: stateOf(finished.result), description: `Run ${run.id} ${describeResult(finished.result)}` });
  }

  private onStageEvent(target: StatusTarget, name: string, event: RunEvent): void {
    if (event.type === 'record-started' && event.record.type === 'stage') {
      this.enqueue(target, { context: `${name}/${event.record.name}`, state: 'pending', description: `Stage ${event.record.displayName} is running` });
    }
    if (event.type === 'record-finished' && event.record.type === 'stage') {
      const description = `Stage ${event.record.displayName} ${describeResult(event.result)}`;
      this.enqueue(target, { context: `${name}/${event.record.name}`, state: stateOf(event.result), description });
    }
  }

  private enqueue(target: StatusTarget, status: Omit<CommitStatus, 'sha'>): void {
    const previous = this.chains.get(target.runId) ?? Promise.resolve();
    const next = previous.then(() => this.send(target, status));
    this.chains.set(target.runId, next);
    void next.finally(() => {
      if (this.chains.get(target.runId) === next) this.chains.delete(target.runId);
    });
  }

  /** Sends one status with retries; resolves in every case. */
  private async send(target: StatusTarget, partial: Omit<CommitStatus, 'sha'>): Promise<void> {
    const { context } = this.options;
    const { settings, subject, runId } = target;
    const publicUrl = this.options.publicUrl?.replace(/\/+$/, '');
    const status: CommitStatus = { ...partial, sha: subject.sha, ref: subject.ref, targetUrl: publicUrl === undefined ? undefined : `${publicUrl}/runs/${runId}` };
    const request = buildCommitStatusRequest({ forge: settings.forge, repository: target.repository }, status);
    const fields = { runId, pipelineId: settings.pipelineId, forge: settings.forge, sha: status.sha, context: status.context, state: status.state };
    const delays = this.options.retryDelaysMs ?? DEFAULT_STATUS_RETRY_DELAYS_MS;

    const token = await this.options.settings.token(settings.pipelineId);
    for (let attempt = 0; attempt <= delays.length; attempt += 1) {
      if (this.stop.signal.aborted) return;
      const failure = await this.attempt(settings, token, request);
      if (failure === undefined) {
        context.logger.debug(fields, 'commit status sent');
        return;
      }

      const message = token === undefined ? failure.message : failure.message.split(token).join('***');
      const last = attempt === delays.length || !failure.retryable;
      context.logger.warn({ ...fields, attempt: attempt + 1, error: message }, last ? 'commit status failed' : 'commit status failed, retrying');
      if (last) return;
      await sleep(delays[attempt]!, this.stop.signal);
    }
  }

  private async attempt(settings: ForgeSettings, token: string | undefined, request: ReturnType<typeof buildCommitStatusRequest>) {
    try {
      const response = await sendForgeRequest(settings.forge, settings.apiUrl, token, request, this.stop.signal);
      if (response.status >= 200 && response.status < 300) return undefined;
      // A 4xx other than 429 (rate limit) will fail the same way again, such as a wrong token or repository.
      const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
      return { message: `HTTP ${response.status}: ${response.bodyExcerpt}`, retryable };
    } catch (error) {
      return { message: error instanceof Error ? error.message : String(error), retryable: true };
    }
  }
}

interface StatusTarget {
  settings: ForgeSettings;
  repository: string;
  subject: StatusSubject;
  runId: number;
}

/** Maps a run or stage result to a commit state; a skipped stage did not fail, so it reads success. */
function stateOf(result: TaskResult): CommitState {
  if (result === 'failed') return 'failure';
  if (result === 'canceled') return 'canceled';
  return 'success';
}

function describeResult(result: TaskResult): string {
  const words: Record<TaskResult, string> = {
    succeeded: 'succeeded',
    succeededWithIssues: 'succeeded with issues',
    failed: 'failed',
    canceled: 'was canceled',
    skipped: 'was skipped',
  };
  return words[result];
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}
