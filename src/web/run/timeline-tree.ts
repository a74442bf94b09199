import type { TimelineRecord } from '../api-types.js';
import { h, visuallyHidden } from '../dom.js';
import { formatDuration, recordStatusView } from '../format.js';
import { statusBadge } from '../widgets.js';

/** Name of the stage that Sluice creates for a pipeline with jobs or steps but no stages (IMPLICIT_STAGE_NAME in the language layer). */
const IMPLICIT_STAGE_NAME = '__default';

/** A timeline record with its children: stages contain jobs, jobs contain steps. */
export interface TimelineNode {
  record: TimelineRecord;
  children: TimelineNode[];
}

/**
 * Nests records by `parentId`, keeping the API's order (the order records
 * first appeared). A record whose parent is missing becomes a root, so no record is lost.
 */
export function buildTimelineTree(records: readonly TimelineRecord[]): TimelineNode[] {
  const nodes = new Map<string, TimelineNode>(records.map((record) => [record.id, { record, children: [] }]));
  const roots: TimelineNode[] = [];
  for (const record of records) {
    const node = nodes.get(record.id)!;
    const parent = record.parentId === undefined ? undefined : nodes.get(record.parentId);
    if (parent === undefined) roots.push(node);
    else parent.children.push(node);
  }
  return roots;
}

/**
 * Picks the record whose log the page opens first: a running step, else the
 * first failed step, else the first failed job. Returns undefined when no record is running or failed.
 */
export function pickInterestingRecord(records: readonly TimelineRecord[]): TimelineRecord | undefined {
  return (
    records.find((record) => record.type === 'step' && record.state === 'inProgress') ??
    records.find((record) => record.type === 'step' && record.result === 'failed') ??
    records.find((record) => record.type === 'job' && record.result === 'failed')
  );
}

/**
 * Draws the timeline as nested lists. Jobs and steps are buttons that select
 * their log (`aria-pressed` marks the selected one); stages are headings of their jobs.
 */
export function renderTimelineTree(nodes: readonly TimelineNode[], selectedId: string | undefined, onSelect: (record: TimelineRecord) => void): HTMLUListElement {
  const topLevel = nodes.flatMap((node) => (isImplicitStage(node.record) ? node.children : [node]));
  return h('ul', { class: 'timeline' }, topLevel.map((node) => renderNode(node, selectedId, onSelect)));
}

/**
 * Tells whether a record is the implicit stage of a pipeline without
 * `stages:`. Azure Pipelines' run view does not show that stage, so its jobs are listed at the top.
 */
function isImplicitStage(record: TimelineRecord): boolean {
  return record.type === 'stage' && record.name === IMPLICIT_STAGE_NAME;
}

function renderNode(node: TimelineNode, selectedId: string | undefined, onSelect: (record: TimelineRecord) => void): HTMLLIElement {
  const { record } = node;
  const duration = formatDuration(record.startTime, record.finishTime);
  const content = [
    statusBadge(recordStatusView(record.state, record.result)),
    h('span', { class: 'record-name' }, record.displayName),
    record.attempt > 1 ? h('span', { class: 'record-attempt' }, `attempt ${record.attempt}`) : undefined,
    duration === '' ? undefined : h('span', { class: 'record-duration live-duration', 'data-start': record.finishTime === undefined ? record.startTime : undefined }, visuallyHidden('duration '), duration),
  ];

  const row =
    record.type === 'stage'
      ? h('div', { class: 'record-row stage-row' }, content)
      : h('button', { type: 'button', class: 'record-row', 'aria-pressed': record.id === selectedId ? 'true' : 'false', 'data-record-id': record.id, onclick: () => onSelect(record) }, content);

  return h(
    'li',
    { class: `record record-${record.type}`, 'data-record-id': record.id, 'data-state': record.state, 'data-result': record.result },
    row,
    record.reason === undefined || record.result === 'succeeded' ? undefined : h('p', { class: 'record-reason' }, record.reason),
    node.children.length === 0 ? undefined : h('ul', {}, node.children.map((child) => renderNode(child, selectedId, onSelect))),
  );
}

/**
 * Updates the durations of running records and runs in place, so they count
 * up between refreshes: every `.live-duration[data-start]` whose last child is its text.
 */
export function tickRunningDurations(root: ParentNode): void {
  for (const element of root.querySelectorAll<HTMLElement>('.live-duration[data-start]')) {
    const start = element.dataset.start;
    if (start === undefined) continue;
    element.lastChild!.textContent = formatDuration(start, undefined);
  }
}
