import type { StepAttemptResult } from '../run-script-step.js';
import { logTask, type BuiltinTaskRun } from './builtin-task-run.js';
import { feedCredentials, urlWithCredentials } from './feed-credentials.js';

/** Sets a job variable that later steps see in their environment; the value is masked in every log. */
function setVisibleVariable(run: BuiltinTaskRun, name: string, value: string): void {
  run.context.job.variables.set(name, value);
  run.context.job.events.variableSet(run.state.recordId, name, value, false, false);
}

/**
 * PipAuthenticate@1: builds index URLs with credentials for the listed feeds
 * and connections. The first becomes PIP_INDEX_URL and the rest
 * PIP_EXTRA_INDEX_URL (space-separated, as pip reads it); with onlyAddExtraIndex
 * all go to PIP_EXTRA_INDEX_URL. The variables are not secret variables,
 * because a secret never reaches a later step's environment unless mapped with
 * `env:`, but every URL and password is registered with the masker.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/pip-authenticate-v1
 */
export async function runPipAuthenticate(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs } = run;
  const names = [...inputs.list('artifactFeeds', true), ...inputs.list('pythonDownloadServiceConnections', true)];
  if (names.length === 0) {
    logTask(run, 'No feeds or service connections were given; nothing to authenticate');
    return { result: 'succeeded' };
  }

  const urls = names.map((name) => urlWithCredentials(run, feedCredentials(run, name)));
  const extra = inputs.bool('onlyAddExtraIndex') ? urls : urls.slice(1);
  if (!inputs.bool('onlyAddExtraIndex')) setVisibleVariable(run, 'PIP_INDEX_URL', urls[0] as string);
  if (extra.length > 0) setVisibleVariable(run, 'PIP_EXTRA_INDEX_URL', extra.join(' '));
  logTask(run, `Added credentials for ${names.length} feed(s): ${names.join(', ')}`);
  return { result: 'succeeded' };
}
