import { describeError } from '../api-client.js';
import type { Artifact, Pipeline, Run, TestResults, TimelineRecord } from '../api-types.js';
import { h, replaceChildren } from '../dom.js';
import { followEventStream } from '../event-stream.js';
import { runStatusView } from '../format.js';
import type { PageContext } from '../page.js';
import { LogViewer } from '../run/log-viewer.js';
import { renderRunArtifacts } from '../run/run-artifacts.js';
import { renderRunIssues } from '../run/run-issues.js';
import { renderRunFacts, renderRunInputs } from '../run/run-summary.js';
import { renderRunTests } from '../run/run-tests.js';
import { buildTimelineTree, pickInterestingRecord, renderTimelineTree, tickRunningDurations } from '../run/timeline-tree.js';
import { errorAlert } from '../widgets.js';

/** Wait after a run event before the page reads the run again, so a burst of events costs one refresh; milliseconds. */
const REFRESH_DEBOUNCE_MS = 300;

/** How often running durations count up, in milliseconds. */
const DURATION_TICK_MS = 1000;

/** Everything the run page shows, read together on each refresh. */
interface RunSnapshot {
  run: Run;
  records: TimelineRecord[];
  tests: TestResults;
  artifacts: Artifact[];
}

/**
 * Shows one run: its facts, cancel and re-run buttons, the timeline tree,
 * the selected record's log, issues, tests and artifacts. While the run is
 * not completed the page follows its event stream and reads the run again after events.
 */
export async function renderRunPage(main: HTMLElement, context: PageContext): Promise<void> {
  const runId = Number(context.params.id);
  const heading = h('h1', {}, `Run ${context.params.id ?? ''}`);
  if (!Number.isSafeInteger(runId) || runId <= 0) {
    replaceChildren(main, heading, errorAlert(new Error(`invalid run id '${context.params.id ?? ''}': expected a positive whole number`)));
    return;
  }
  replaceChildren(main, heading, h('p', { class: 'loading' }, 'Loading the run…'));

  let snapshot: RunSnapshot;
  let pipeline: Pipeline | undefined;
  try {
    snapshot = await readSnapshot(context, runId);
    pipeline = await context.client.get<Pipeline>(`/api/pipelines/${snapshot.run.pipelineId}`, context.signal).catch(() => undefined);
  } catch (error) {
    if (!context.signal.aborted) replaceChildren(main, heading, errorAlert(error));
    return;
  }
  if (context.signal.aborted) return;

  const view = new RunView(main, heading, context, runId, pipeline);
  view.update(snapshot);
  view.selectInitialRecord(context.query.get('record') ?? undefined);
  view.followWhileRunning();
}

async function readSnapshot(context: PageContext, runId: number): Promise<RunSnapshot> {
  const { client, signal } = context;
  const [run, timeline, tests, artifacts] = await Promise.all([
    client.get<Run>(`/api/runs/${runId}`, signal),
    client.get<{ records: TimelineRecord[] }>(`/api/runs/${runId}/timeline`, signal),
    client.get<TestResults>(`/api/runs/${runId}/test-results`, signal),
    client.get<{ artifacts: Artifact[] }>(`/api/runs/${runId}/artifacts`, signal),
  ]);
  return { run, records: timeline.records, tests, artifacts: artifacts.artifacts };
}

/** The run page's parts and the state that links them. */
class RunView {
  private readonly facts = h('div', { class: 'run-summary' });
  private readonly actions = h('div', { class: 'run-actions' });
  private readonly actionMessage = h('p', { class: 'error-message', role: 'alert' });
  private readonly timeline = h('nav', { class: 'card timeline-panel', 'aria-label': 'Timeline' });
  private readonly details = h('div', { class: 'run-details' });
  private readonly logViewer: LogViewer;
  private snapshot: RunSnapshot | undefined;
  private following = false;
  /** True while the shown log was chosen by the page, not the user: it then moves on to the next running step. */
  private followsRunningStep = true;
  private refreshTimer: number | undefined;
  /** The issues, tests and artifacts last drawn, as JSON. */
  private detailsKey: string | undefined;

  constructor(
    main: HTMLElement,
    private readonly heading: HTMLHeadingElement,
    private readonly context: PageContext,
    private readonly runId: number,
    private readonly pipeline: Pipeline | undefined,
  ) {
    this.logViewer = new LogViewer(context.client, runId, context.signal);
    const layout = h('div', { class: 'run-layout' }, this.timeline, h('div', { class: 'card log-card' }, this.logViewer.element));
    replaceChildren(main, heading, this.facts, this.actions, this.actionMessage, layout, this.details);

    const ticker = window.setInterval(() => tickRunningDurations(main), DURATION_TICK_MS);
    context.signal.addEventListener('abort', () => {
      window.clearInterval(ticker);
      window.clearTimeout(this.refreshTimer);
    });
  }

  /** Redraws every part from a new snapshot, keeping the selected record and the focused button. */
  update(snapshot: RunSnapshot): void {
    const previous = this.snapshot;
    this.snapshot = snapshot;
    const { run } = snapshot;
    const title = `${this.pipeline?.name ?? 'Run'} ${run.runNumber ?? `#${run.id}`}`;
    this.heading.textContent = title;
    this.context.setTitle(`${title} (${runStatusView(run.status, run.result).label})`);
    if (previous !== undefined && previous.run.status !== 'completed' && run.status === 'completed') {
      this.context.announce(`The run finished: ${runStatusView(run.status, run.result).label}`);
    }

    const inputsWereOpen = this.facts.querySelector('details')?.open === true;
    const inputs = renderRunInputs(run);
    if (inputs !== undefined) inputs.open = inputsWereOpen;
    replaceChildren(this.facts, renderRunFacts(run, this.pipeline), inputs);
    this.renderActions(run);
    this.renderTimeline(snapshot.records);

    // Issues, tests and artifacts are drawn again only when they changed, so a download button keeps its focus and message.
    const detailsKey = JSON.stringify([snapshot.records.map((record) => record.issues), snapshot.tests, snapshot.artifacts]);
    if (detailsKey !== this.detailsKey) {
      this.detailsKey = detailsKey;
      replaceChildren(this.details, renderRunIssues(snapshot.records), renderRunTests(snapshot.tests), renderRunArtifacts(this.context.client, run.id, snapshot.artifacts));
    }
  }

  /** Opens the log of the record named in the URL, else of a running or failed step. */
  selectInitialRecord(recordId: string | undefined): void {
    const records = this.snapshot?.records ?? [];
    const requested = records.find((candidate) => candidate.id === recordId);
    if (requested !== undefined) {
      this.followsRunningStep = false;
      this.select(requested, false);
      return;
    }
    const record = pickInterestingRecord(records);
    if (record !== undefined) this.select(record, false);
  }

  /** Follows the run's event stream until it completes; started again after a re-run. */
  followWhileRunning(): void {
    if (this.following || this.snapshot?.run.status === 'completed') return;
    this.following = true;
    void followEventStream(this.context.client, {
      url: () => `/api/runs/${this.runId}/events`,
      signal: this.context.signal,
      onMessage: (message) => {
        if (message.event === 'end') this.refreshNow();
        else this.scheduleRefresh();
      },
      // Events that happened while the stream was down are not replayed, so the page reads the run again.
      onError: () => this.scheduleRefresh(),
    }).finally(() => {
      this.following = false;
    });
  }

  private select(record: TimelineRecord, updateUrl: boolean): void {
    this.logViewer.show(record);
    if (updateUrl) window.history.replaceState(null, '', `/runs/${this.runId}?record=${encodeURIComponent(record.id)}`);
    if (this.snapshot !== undefined) this.renderTimeline(this.snapshot.records);
  }

  private renderTimeline(records: TimelineRecord[]): void {
    const active = document.activeElement as HTMLElement | null;
    const focusedId = active !== null && this.timeline.contains(active) ? active.dataset.recordId : undefined;
    const tree = renderTimelineTree(buildTimelineTree(records), this.logViewer.recordId, (record) => {
      this.followsRunningStep = false;
      this.select(record, true);
    });
    replaceChildren(this.timeline, h('h2', { class: 'visually-hidden' }, 'Timeline'), tree);
    // The tree is drawn anew on each refresh, so keyboard focus moves to the same record's new button.
    if (focusedId !== undefined) this.timeline.querySelector<HTMLElement>(`button[data-record-id="${CSS.escape(focusedId)}"]`)?.focus();
  }

  private renderActions(run: Run): void {
    const buttons: HTMLButtonElement[] = [];
    if (run.status === 'queued' || run.status === 'inProgress') {
      buttons.push(this.actionButton('Cancel run', 'danger', () => this.context.client.post<Run>(`/api/runs/${run.id}/cancel`)));
    }
    if (run.status === 'completed' && (run.result === 'failed' || run.result === 'canceled')) {
      buttons.push(this.actionButton('Re-run failed jobs', 'secondary', () => this.context.client.post<Run>(`/api/runs/${run.id}/rerun-failed-jobs`)));
    }
    replaceChildren(this.actions, buttons);
  }

  private actionButton(label: string, tone: string, action: () => Promise<Run>): HTMLButtonElement {
    const button = h('button', { class: `button ${tone}`, type: 'button' }, label);
    button.addEventListener('click', () => {
      button.disabled = true;
      this.actionMessage.textContent = '';
      action()
        .then(() => {
          this.context.announce(`${label}: requested`);
          this.refreshNow();
        })
        .catch((error: unknown) => {
          button.disabled = false;
          this.actionMessage.textContent = describeError(error);
        });
    });
    return button;
  }

  private scheduleRefresh(): void {
    if (this.refreshTimer !== undefined) return;
    this.refreshTimer = window.setTimeout(() => this.refreshNow(), REFRESH_DEBOUNCE_MS);
  }

  private refreshNow(): void {
    window.clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
    readSnapshot(this.context, this.runId)
      .then((snapshot) => {
        if (this.context.signal.aborted) return;
        this.update(snapshot);
        this.followRunningStep(snapshot.records);
        this.reopenStaleLog(snapshot.records);
        this.followWhileRunning();
      })
      .catch((error: unknown) => {
        if (!this.context.signal.aborted) this.actionMessage.textContent = `Cannot refresh the run: ${describeError(error)}`;
      });
  }

  /** Moves a log that the page chose to the step now running (or failed), as long as the user has not picked one. */
  private followRunningStep(records: TimelineRecord[]): void {
    if (!this.followsRunningStep) return;
    const record = pickInterestingRecord(records);
    if (record !== undefined && record.id !== this.logViewer.recordId) this.select(record, false);
  }

  /** Opens the shown log again when a re-run has started a new attempt of its record. */
  private reopenStaleLog(records: TimelineRecord[]): void {
    const shownId = this.logViewer.recordId;
    const record = records.find((candidate) => candidate.id === shownId);
    if (record !== undefined && record.attempt !== this.logViewer.attempt) this.logViewer.show(record);
  }
}
