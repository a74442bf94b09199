import type { TimelineRecord } from '../api-types.js';
import { h } from '../dom.js';

/** Lists the errors and warnings of every record, errors first, with the record and source position. */
export function renderRunIssues(records: readonly TimelineRecord[]): HTMLElement {
  const issues = records.flatMap((record) => record.issues.map((issue) => ({ record, issue })));
  issues.sort((a, b) => severityRank(a.issue.type) - severityRank(b.issue.type));
  const errors = issues.filter((entry) => entry.issue.type === 'error').length;
  const warnings = issues.length - errors;

  const content =
    issues.length === 0
      ? h('p', {}, 'No errors or warnings.')
      : h(
          'ul',
          { class: 'issues' },
          issues.map(({ record, issue }) => {
            const position = issue.sourcePath === undefined ? undefined : [issue.sourcePath, issue.line, issue.column].filter((part) => part !== undefined).join(':');
            return h(
              'li',
              { class: `issue issue-${issue.type}`, 'data-record-id': record.id },
              h('strong', { class: 'issue-type' }, issue.type === 'error' ? 'Error' : 'Warning'),
              ' ',
              h('span', { class: 'issue-record' }, record.displayName),
              h('p', { class: 'issue-message' }, issue.message),
              position === undefined ? undefined : h('code', { class: 'issue-position' }, position),
            );
          }),
        );
  return h('section', { class: 'card run-issues', 'aria-labelledby': 'issues-title' }, h('h2', { id: 'issues-title' }, `Issues (${plural(errors, 'error')}, ${plural(warnings, 'warning')})`), content);
}

function severityRank(type: 'error' | 'warning'): number {
  return type === 'error' ? 0 : 1;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
