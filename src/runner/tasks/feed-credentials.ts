import { RunnerErrorCode } from '../runner-error-codes.js';
import type { BuiltinTaskRun } from './builtin-task-run.js';
import type { ServiceConnection } from './service-connections.js';
import { taskJobStateOf } from './task-job-state.js';
import { TaskStepError } from './task-step-error.js';

/** User name that Azure Artifacts accepts with a token; any non-empty name works there. */
export const TOKEN_USER_NAME = 'build';

/** A feed's URL and the credentials for it. */
export interface FeedCredentials {
  /** The name as written in the task input (a feed, `project/feed`, or a connection name). */
  name: string;
  url: string;
  username: string;
  password: string;
}

/**
 * Finds a feed or service connection by the name a task input gives and
 * returns its credentials, registering the secret with the masker. A feed
 * written `project/feed` is found under that name or under `feed`.
 */
export function feedCredentials(run: BuiltinTaskRun, name: string): FeedCredentials {
  const connections = taskJobStateOf(run.context).services.serviceConnections;
  const connection: ServiceConnection | undefined = connections.get(name.toLowerCase()) ?? connections.get((name.split('/').pop() ?? '').toLowerCase());
  if (!connection) {
    const known = [...connections.values()].map((item) => item.name).join(', ') || 'none';
    throw new TaskStepError(
      RunnerErrorCode.ServiceConnectionNotFound,
      `${run.label}: feed or service connection '${name}' is not defined (defined: ${known}); add it to the file given to --service-connections`,
    );
  }

  const parameters = new Map(Object.entries(connection.parameters).map(([key, value]) => [key.toLowerCase(), value]));
  const password = parameters.get('password') ?? parameters.get('apitoken') ?? parameters.get('accesstoken') ?? '';
  const username = parameters.get('username') || TOKEN_USER_NAME;
  if (password !== '') run.context.job.masker.add(password);
  return { name, url: connection.url, username, password };
}

/** Returns `url` with the credentials in its user-info part, URL-encoded; the result is registered as a secret. */
export function urlWithCredentials(run: BuiltinTaskRun, feed: FeedCredentials): string {
  let parsed: URL;
  try {
    parsed = new URL(feed.url);
  } catch {
    throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${run.label}: the URL of '${feed.name}' is not a valid absolute URL; fix it in the service connections file`);
  }
  if (feed.password !== '') {
    parsed.username = encodeURIComponent(feed.username);
    parsed.password = encodeURIComponent(feed.password);
  }
  const text = parsed.toString();
  if (feed.password !== '') run.context.job.masker.add(text);
  return text;
}
