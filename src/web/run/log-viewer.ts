import { describeError, isAbortError, type ApiClient } from '../api-client.js';
import type { LogLine, LogPage, TimelineRecord } from '../api-types.js';
import { h, replaceChildren } from '../dom.js';
import { followEventStream } from '../event-stream.js';
import { LogRenderer } from './log-renderer.js';

/** Lines fetched per request when a finished log is read by range. */
export const LOG_PAGE_LINES = 1000;

/** How long live lines are collected before they are drawn together, in milliseconds. */
const LIVE_BATCH_MS = 50;

/** Distance from the bottom, in pixels, within which a live log keeps scrolling to new lines. */
const FOLLOW_SCROLL_SLACK_PX = 40;

/**
 * The log panel of the run page. A finished record's log is read by line
 * range, a page at a time. The log of a pending or running record is
 * streamed over Server-Sent Events until the server sends `end`.
 * The panel's `data-mode` (`range` or `live`) and `data-state` (`loading`,
 * `streaming`, `complete` or `failed`) attributes expose what it is doing to tests and styles.
 */
export class LogViewer {
  /** The panel element to place on the page. */
  readonly element: HTMLElement;
  private readonly heading: HTMLHeadingElement;
  private readonly status: HTMLParagraphElement;
  private readonly body: HTMLDivElement;
  private controller = new AbortController();
  private shownRecordId: string | undefined;
  private shownAttempt: number | undefined;

  constructor(
    private readonly client: ApiClient,
    private readonly runId: number,
    pageSignal: AbortSignal,
  ) {
    this.heading = h('h2', { id: 'log-title' }, 'Log');
    this.status = h('p', { class: 'log-status', role: 'status' }, 'Select a job or step to see its log.');
    this.body = h('div', { class: 'log', tabindex: 0, 'aria-labelledby': 'log-title' });
    this.element = h('section', { class: 'log-panel', 'aria-labelledby': 'log-title' }, this.heading, this.status, this.body);
    pageSignal.addEventListener('abort', () => this.controller.abort(), { once: true });
  }

  /** The id of the record whose log is shown, if any. */
  get recordId(): string | undefined {
    return this.shownRecordId;
  }

  /** The attempt of the shown record when it was opened. */
  get attempt(): number | undefined {
    return this.shownAttempt;
  }

  /** Shows a record's log, stopping the stream of the previous one. */
  show(record: TimelineRecord): void {
    this.controller.abort();
    this.controller = new AbortController();
    this.shownRecordId = record.id;
    this.shownAttempt = record.attempt;
    this.heading.textContent = `Log of ${record.displayName}`;
    const renderer = new LogRenderer();
    replaceChildren(this.body, renderer.element);
    this.element.dataset.recordId = record.id;

    if (record.state === 'completed') void this.loadByRange(renderer, record, this.controller.signal);
    else void this.stream(renderer, record, this.controller.signal);
  }

  private async loadByRange(renderer: LogRenderer, record: TimelineRecord, signal: AbortSignal): Promise<void> {
    this.setState('range', 'loading', 'Loading the log…');
    try {
      const page = await this.fetchPage(record.id, 1, signal);
      renderer.append(page.lines);
      this.showRangeStatus(renderer, page, record, signal);
    } catch (error) {
      if (!isAbortError(error) && !signal.aborted) this.setState('range', 'failed', `Cannot load the log: ${describeError(error)}`);
    }
  }

  private showRangeStatus(renderer: LogRenderer, page: LogPage, record: TimelineRecord, signal: AbortSignal): void {
    if (page.lineCount === 0) {
      this.setState('range', 'complete', 'This log is empty.');
      return;
    }
    if (renderer.lineCount >= page.lineCount) {
      this.setState('range', 'complete', `${page.lineCount} lines.`);
      return;
    }
    this.setState('range', 'complete', `Showing lines 1 to ${renderer.lineCount} of ${page.lineCount}.`);
    const more = h('button', { class: 'button secondary load-more', type: 'button' }, 'Load more lines');
    more.addEventListener('click', () => {
      more.disabled = true;
      this.fetchPage(record.id, renderer.lineCount + 1, signal)
        .then((next) => {
          more.remove();
          renderer.append(next.lines);
          this.showRangeStatus(renderer, next, record, signal);
        })
        .catch((error: unknown) => {
          if (isAbortError(error) || signal.aborted) return;
          more.disabled = false;
          this.status.textContent = `Cannot load more lines: ${describeError(error)}`;
        });
    });
    this.body.append(more);
  }

  private fetchPage(recordId: string, from: number, signal: AbortSignal): Promise<LogPage> {
    const query = new URLSearchParams({ from: String(from), limit: String(LOG_PAGE_LINES) });
    return this.client.get<LogPage>(`/api/runs/${this.runId}/logs/${encodeURIComponent(recordId)}?${query.toString()}`, signal);
  }

  private async stream(renderer: LogRenderer, record: TimelineRecord, signal: AbortSignal): Promise<void> {
    this.setState('live', 'streaming', record.state === 'pending' ? 'Waiting for this step to start…' : 'Streaming the log live…');
    let pending: LogLine[] = [];
    let batchTimer: number | undefined;
    const flush = (): void => {
      batchTimer = undefined;
      const atBottom = this.body.scrollHeight - this.body.scrollTop - this.body.clientHeight <= FOLLOW_SCROLL_SLACK_PX;
      renderer.append(pending);
      pending = [];
      if (atBottom) this.body.scrollTop = this.body.scrollHeight;
      this.status.textContent = `Streaming the log live: ${renderer.lineCount} lines.`;
    };

    await followEventStream(this.client, {
      url: (lastId) => `/api/runs/${this.runId}/logs/${encodeURIComponent(record.id)}/stream?from=${lastId === undefined ? 1 : Number(lastId) + 1}`,
      signal,
      onMessage: (message) => {
        if (message.event === 'line') {
          pending.push(message.data as LogLine);
          // Lines arrive in bursts; drawing them in batches keeps a fast log from freezing the page.
          batchTimer ??= window.setTimeout(flush, LIVE_BATCH_MS);
        } else if (message.event === 'end') {
          if (batchTimer !== undefined) window.clearTimeout(batchTimer);
          flush();
          this.setState('live', 'complete', `The step finished: ${renderer.lineCount} lines.`);
        }
      },
      onError: (text) => {
        this.status.textContent = `The log stream was interrupted (${text}); reconnecting…`;
      },
    });
  }

  private setState(mode: 'range' | 'live', state: 'loading' | 'streaming' | 'complete' | 'failed', message: string): void {
    this.element.dataset.mode = mode;
    this.element.dataset.state = state;
    this.status.textContent = message;
  }
}
