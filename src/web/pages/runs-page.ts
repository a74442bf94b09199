import type { Pipeline, Run, TaskResult } from '../api-types.js';
import { h, replaceChildren } from '../dom.js';
import { formatDuration, formatTime, fullBranchRef, runStatusView, shortBranch, shortCommit } from '../format.js';
import type { PageContext } from '../page.js';
import { errorAlert, scrollingTable, statusBadge } from '../widgets.js';

/** Runs fetched per page; the API's default page size. */
const PAGE_SIZE = 50;

const STATUS_OPTIONS: Array<[string, string]> = [
  ['', 'Any status'],
  ['queued', 'Queued'],
  ['inProgress', 'Running'],
  ['cancelling', 'Cancelling'],
  ['completed', 'Completed'],
];

const RESULT_OPTIONS: Array<[string, string]> = [
  ['', 'Any result'],
  ['succeeded', 'Succeeded'],
  ['succeededWithIssues', 'Succeeded with issues'],
  ['failed', 'Failed'],
  ['canceled', 'Canceled'],
];

/**
 * Shows the runs of one pipeline, newest first, with filters by status,
 * branch and result. Status and branch are filtered by the API; the result
 * is filtered on the page, because the API has no result filter.
 */
export async function renderRunsPage(main: HTMLElement, context: PageContext): Promise<void> {
  const pipelineId = context.params.id ?? '';
  const status = context.query.get('status') ?? '';
  const branch = context.query.get('branch') ?? '';
  const result = context.query.get('result') ?? '';

  const heading = h('h1', {}, 'Runs');
  replaceChildren(main, heading, h('p', { class: 'loading' }, 'Loading runs…'));

  let pipeline: Pipeline;
  try {
    pipeline = await context.client.get<Pipeline>(`/api/pipelines/${encodeURIComponent(pipelineId)}`, context.signal);
  } catch (error) {
    if (!context.signal.aborted) replaceChildren(main, heading, errorAlert(error));
    return;
  }
  context.setTitle(`Runs of ${pipeline.name}`);
  heading.textContent = `Runs of ${pipeline.name}`;

  const rows = h('tbody');
  const table = scrollingTable(`Runs of ${pipeline.name}`, ['Run', 'Branch', 'Commit', 'Reason', 'Status', 'Duration', 'Queued'], []);
  table.querySelector('tbody')?.replaceWith(rows);
  const more = h('button', { class: 'button secondary', type: 'button', hidden: true }, 'Show older runs');
  const message = h('p', { role: 'status' });

  let beforeId: number | undefined;
  const loadPage = async (): Promise<void> => {
    const query = new URLSearchParams({ pipelineId: String(pipeline.id), limit: String(PAGE_SIZE) });
    if (status !== '') query.set('status', status);
    if (branch !== '') query.set('branch', fullBranchRef(branch));
    if (beforeId !== undefined) query.set('beforeId', String(beforeId));
    more.disabled = true;
    try {
      const runs = (await context.client.get<{ runs: Run[] }>(`/api/runs?${query.toString()}`, context.signal)).runs;
      const matchingRuns = result === '' ? runs : runs.filter((run) => run.result === (result as TaskResult));
      for (const run of matchingRuns) rows.append(runRow(run));
      beforeId = runs.at(-1)?.id;
      more.hidden = runs.length < PAGE_SIZE;
      message.textContent = rows.children.length === 0 && more.hidden ? 'No run matches these filters.' : '';
    } catch (error) {
      if (!context.signal.aborted) message.replaceChildren(errorAlert(error));
    } finally {
      more.disabled = false;
    }
  };
  more.addEventListener('click', () => void loadPage());

  replaceChildren(main, heading, filterForm(pipeline.id, { status, branch, result }, context), table, message, more);
  await loadPage();
}

function filterForm(pipelineId: number, current: { status: string; branch: string; result: string }, context: PageContext): HTMLFormElement {
  const statusSelect = h('select', { id: 'filter-status', name: 'status' }, STATUS_OPTIONS.map(([value, label]) => h('option', { value, selected: value === current.status }, label)));
  const resultSelect = h('select', { id: 'filter-result', name: 'result' }, RESULT_OPTIONS.map(([value, label]) => h('option', { value, selected: value === current.result }, label)));
  const branchInput = h('input', { id: 'filter-branch', name: 'branch', value: current.branch, placeholder: 'main', autocomplete: 'off' });
  const form = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': 'Filter runs' },
    h('div', { class: 'field' }, h('label', { for: 'filter-status' }, 'Status'), statusSelect),
    h('div', { class: 'field' }, h('label', { for: 'filter-result' }, 'Result'), resultSelect),
    h('div', { class: 'field' }, h('label', { for: 'filter-branch' }, 'Branch'), branchInput),
    h('button', { class: 'button secondary', type: 'submit' }, 'Filter'),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    if (statusSelect.value !== '') query.set('status', statusSelect.value);
    if (resultSelect.value !== '') query.set('result', resultSelect.value);
    if (branchInput.value.trim() !== '') query.set('branch', branchInput.value.trim());
    const search = query.toString();
    context.navigate(`/pipelines/${pipelineId}${search === '' ? '' : `?${search}`}`);
  });
  return form;
}

function runRow(run: Run): HTMLTableRowElement {
  const number = run.runNumber ?? `#${run.id}`;
  const reason = run.trigger.pullRequestNumber === undefined ? run.trigger.reason : `${run.trigger.reason} #${run.trigger.pullRequestNumber}`;
  return h(
    'tr',
    { 'data-run-id': run.id },
    h('td', {}, h('a', { href: `/runs/${run.id}` }, number)),
    h('td', {}, shortBranch(run.trigger.branch)),
    h('td', {}, h('code', { title: run.trigger.commit }, shortCommit(run.trigger.commit))),
    h('td', {}, reason),
    h('td', {}, statusBadge(runStatusView(run.status, run.result))),
    h('td', {}, formatDuration(run.startedAt, run.finishedAt)),
    h('td', {}, h('time', { datetime: run.queuedAt }, formatTime(run.queuedAt))),
  );
}
