import type { TestResults } from '../api-types.js';
import { h } from '../dom.js';
import { formatMilliseconds } from '../format.js';
import { scrollingTable } from '../widgets.js';

/**
 * Shows the test summary: totals and one row per published test run.
 * TODO: list the failed test cases by name once the API serves them; it
 * returns only summaries, because test case details stay in files.
 */
export function renderRunTests(results: TestResults): HTMLElement {
  const { totals } = results;
  const heading = h('h2', { id: 'tests-title' }, 'Tests');
  if (results.testRuns.length === 0) {
    return h('section', { class: 'card run-tests', 'aria-labelledby': 'tests-title' }, heading, h('p', {}, 'No test results were published.'));
  }
  const passRate = totals.total === 0 ? 0 : Math.floor((totals.passed / totals.total) * 1000) / 10;
  const summary = h(
    'p',
    { class: `test-totals${totals.failed > 0 ? ' has-failures' : ''}` },
    `${totals.total} tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped (${passRate}% passed) in ${formatMilliseconds(totals.durationMs)}.`,
  );
  const rows = results.testRuns.map((testRun) =>
    h(
      'tr',
      { class: testRun.summary.failed > 0 ? 'has-failures' : undefined },
      h('th', { scope: 'row' }, testRun.title),
      h('td', {}, testRun.summary.total),
      h('td', {}, testRun.summary.passed),
      h('td', {}, testRun.summary.failed),
      h('td', {}, testRun.summary.skipped),
      h('td', {}, formatMilliseconds(testRun.summary.durationMs)),
    ),
  );
  return h('section', { class: 'card run-tests', 'aria-labelledby': 'tests-title' }, heading, summary, scrollingTable('Test runs', ['Test run', 'Total', 'Passed', 'Failed', 'Skipped', 'Duration'], rows));
}
