import { describeError, type ApiClient } from './api-client.js';
import type { Pipeline, Run } from './api-types.js';
import { h } from './dom.js';

/** The body of `POST /api/pipelines/:id/runs`. */
export interface QueueRunBody {
  branch?: string;
  parameters?: Record<string, string>;
  variables?: Record<string, string | { value: string; isSecret: boolean }>;
}

/**
 * Parses `name=value` lines (blank lines ignored) into an object. Returns the
 * problems by line number instead of throwing, so the form can show them all.
 */
export function parseAssignments(text: string, fieldName: string): { values: Record<string, string>; problems: string[] } {
  const values: Record<string, string> = {};
  const problems: string[] = [];
  text.split('\n').forEach((rawLine, index) => {
    const line = rawLine.trim();
    if (line === '') return;
    const equals = line.indexOf('=');
    const name = equals < 0 ? '' : line.slice(0, equals).trim();
    if (name === '') {
      problems.push(`${fieldName} line ${index + 1}: expected name=value, got '${line}'`);
      return;
    }
    values[name] = line.slice(equals + 1).trim();
  });
  return { values, problems };
}

/**
 * Builds the queue form of one pipeline: branch, template parameters,
 * variables and secret variables. On success it calls `onQueued` with the new run.
 */
export function createQueueRunForm(client: ApiClient, pipeline: Pipeline, onQueued: (run: Run) => void): HTMLFormElement {
  const id = (name: string): string => `queue-${pipeline.id}-${name}`;
  const branch = h('input', { id: id('branch'), name: 'branch', value: pipeline.defaultBranch, autocomplete: 'off' });
  const parameters = h('textarea', { id: id('parameters'), name: 'parameters', rows: 3, placeholder: 'configuration=release', 'aria-describedby': id('assign-help') });
  const variables = h('textarea', { id: id('variables'), name: 'variables', rows: 3, placeholder: 'verbose=true', 'aria-describedby': id('assign-help') });
  const secrets = h('textarea', { id: id('secrets'), name: 'secrets', rows: 2, placeholder: 'deployKey=…', 'aria-describedby': id('assign-help'), class: 'secret-input', autocomplete: 'off', spellcheck: 'false' });
  const message = h('p', { class: 'error-message', role: 'alert' });
  const submit = h('button', { class: 'button', type: 'submit' }, 'Queue run');

  const form = h(
    'form',
    { class: 'queue-form', 'aria-label': `Queue a run of ${pipeline.name}` },
    h('div', { class: 'field' }, h('label', { for: id('branch') }, 'Branch'), branch),
    h('div', { class: 'field' }, h('label', { for: id('parameters') }, 'Parameters'), parameters),
    h('div', { class: 'field' }, h('label', { for: id('variables') }, 'Variables'), variables),
    h('div', { class: 'field' }, h('label', { for: id('secrets') }, 'Secret variables'), secrets),
    h('p', { id: id('assign-help'), class: 'help' }, 'One name=value per line. Secret values are stored encrypted and shown as ***.'),
    message,
    submit,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const parsedParameters = parseAssignments(parameters.value, 'Parameters');
    const parsedVariables = parseAssignments(variables.value, 'Variables');
    const parsedSecrets = parseAssignments(secrets.value, 'Secret variables');
    const problems = [...parsedParameters.problems, ...parsedVariables.problems, ...parsedSecrets.problems];
    if (problems.length > 0) {
      message.textContent = problems.join('; ');
      return;
    }

    const body: QueueRunBody = { parameters: parsedParameters.values, variables: { ...parsedVariables.values } };
    for (const [name, value] of Object.entries(parsedSecrets.values)) body.variables![name] = { value, isSecret: true };
    if (branch.value.trim() !== '') body.branch = branch.value.trim();

    submit.disabled = true;
    message.textContent = '';
    client
      .post<Run>(`/api/pipelines/${pipeline.id}/runs`, body)
      .then(onQueued)
      .catch((error: unknown) => {
        message.textContent = describeError(error);
      })
      .finally(() => {
        submit.disabled = false;
      });
  });
  return form;
}
