import { describeError } from './api-client.js';
import { h } from './dom.js';
import type { StatusView } from './format.js';

/** Creates a status badge with an icon shape per tone and the status in words, so color is not the only cue. */
export function statusBadge(view: StatusView): HTMLSpanElement {
  return h('span', { class: `status status-${view.tone}`, 'data-status': view.tone }, h('span', { class: 'status-icon', 'aria-hidden': 'true' }), h('span', { class: 'status-label' }, view.label));
}

/** Creates an alert paragraph for a failed request, which screen readers announce. */
export function errorAlert(error: unknown): HTMLParagraphElement {
  return h('p', { class: 'error-message', role: 'alert' }, describeError(error));
}

/** Creates a table inside a scrolling region, so a wide table does not widen the page on small screens. */
export function scrollingTable(caption: string, headers: string[], rows: HTMLTableRowElement[]): HTMLDivElement {
  return h(
    'div',
    { class: 'table-scroll', role: 'region', 'aria-label': caption, tabindex: 0 },
    h('table', {}, h('caption', { class: 'visually-hidden' }, caption), h('thead', {}, h('tr', {}, headers.map((header) => h('th', { scope: 'col' }, header)))), h('tbody', {}, rows)),
  );
}
