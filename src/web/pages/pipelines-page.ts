import type { Pipeline } from '../api-types.js';
import { h, replaceChildren } from '../dom.js';
import type { PageContext } from '../page.js';
import { createQueueRunForm } from '../queue-run-form.js';
import { errorAlert } from '../widgets.js';

/** Shows the pipelines, each with a link to its runs and a form that queues a run. */
export async function renderPipelinesPage(main: HTMLElement, context: PageContext): Promise<void> {
  context.setTitle('Pipelines');
  const heading = h('h1', {}, 'Pipelines');
  replaceChildren(main, heading, h('p', { class: 'loading' }, 'Loading pipelines…'));

  let pipelines: Pipeline[];
  try {
    pipelines = (await context.client.get<{ pipelines: Pipeline[] }>('/api/pipelines', context.signal)).pipelines;
  } catch (error) {
    if (!context.signal.aborted) replaceChildren(main, heading, errorAlert(error));
    return;
  }
  if (context.signal.aborted) return;

  if (pipelines.length === 0) {
    replaceChildren(main, heading, h('p', {}, 'No pipeline yet. Add one with ', h('code', {}, 'POST /api/pipelines'), ' (see docs/api.md).'));
    return;
  }
  const list = h('ul', { class: 'pipeline-list', 'aria-label': 'Pipelines' }, pipelines.map((pipeline) => pipelineItem(pipeline, context)));
  replaceChildren(main, heading, list);
}

function pipelineItem(pipeline: Pipeline, context: PageContext): HTMLLIElement {
  const form = createQueueRunForm(context.client, pipeline, (run) => {
    context.announce(`Run ${run.id} queued`);
    context.navigate(`/runs/${run.id}`);
  });
  return h(
    'li',
    { class: 'card pipeline', 'data-pipeline-id': pipeline.id },
    h('h2', {}, h('a', { href: `/pipelines/${pipeline.id}` }, pipeline.name)),
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Repository'),
      h('dd', {}, h('code', {}, pipeline.repositoryUrl)),
      h('dt', {}, 'YAML file'),
      h('dd', {}, h('code', {}, pipeline.yamlPath)),
      h('dt', {}, 'Default branch'),
      h('dd', {}, pipeline.defaultBranch),
    ),
    h('details', { class: 'queue' }, h('summary', {}, 'Queue a run'), form),
  );
}
