import type { Pipeline, Run } from '../api-types.js';
import { h } from '../dom.js';
import { formatDuration, formatTime, runStatusView, shortBranch, shortCommit } from '../format.js';
import { statusBadge } from '../widgets.js';

/** Renders the run's facts as a description list: status, pipeline, branch, commit, reason, requester, queue time and duration. */
export function renderRunFacts(run: Run, pipeline: Pipeline | undefined): HTMLDListElement {
  const reason = run.trigger.pullRequestNumber === undefined ? run.trigger.reason : `${run.trigger.reason} (pull request #${run.trigger.pullRequestNumber})`;
  const facts: Array<[string, Node | string]> = [
    ['Status', statusBadge(runStatusView(run.status, run.result))],
    ['Pipeline', pipeline === undefined ? `#${run.pipelineId}` : h('a', { href: `/pipelines/${pipeline.id}` }, pipeline.name)],
    ['Branch', shortBranch(run.trigger.branch)],
    ['Commit', h('code', { title: run.trigger.commit }, shortCommit(run.trigger.commit))],
    ['Reason', reason],
    ['Requested by', run.requestedBy],
    ['Queued', h('time', { datetime: run.queuedAt }, formatTime(run.queuedAt))],
    ['Duration', h('span', { class: 'live-duration', 'data-start': run.finishedAt === undefined ? run.startedAt : undefined }, formatDuration(run.startedAt, run.finishedAt))],
  ];
  if (run.reason !== undefined && run.result !== 'succeeded') facts.push(['Details', run.reason]);
  return h('dl', { class: 'facts run-facts' }, facts.map(([name, value]) => h('div', {}, h('dt', {}, name), h('dd', {}, value))));
}

/** Renders the queue-time parameters and variables, collapsed. The API already replaces secret values with `***`. */
export function renderRunInputs(run: Run): HTMLDetailsElement | undefined {
  const parameters = Object.entries(run.parameters);
  const variables = Object.entries(run.variables);
  if (parameters.length === 0 && variables.length === 0) return undefined;
  return h(
    'details',
    { class: 'run-inputs' },
    h('summary', {}, `Parameters and variables (${parameters.length + variables.length})`),
    h(
      'dl',
      { class: 'capabilities' },
      parameters.map(([name, value]) => [h('dt', {}, `parameters.${name}`), h('dd', {}, typeof value === 'string' ? value : JSON.stringify(value))]),
      variables.map(([name, variable]) => [h('dt', {}, name), h('dd', {}, variable.isSecret ? '*** (secret)' : variable.value)]),
    ),
  );
}
