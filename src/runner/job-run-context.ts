import type { TaskResult } from '../events/task-result.js';
import type { ContainerEngine } from './containers/container-engine.js';
import type { ContainerJobSession } from './containers/container-job-session.js';
import type { JobRequest } from './job-request.js';
import type { JobControl } from './job-control.js';
import type { JobState } from './job-state.js';
import type { PythonSearchLocations } from './python-installations.js';
import type { JobWorkspace } from './workspace.js';

/** Runner settings with their defaults applied. */
export interface ResolvedRunnerOptions {
  bashPath: string;
  pwshPath: string;
  windowsPowerShellPath: string;
  baseEnvironment: NodeJS.ProcessEnv;
  pythonSearch: PythonSearchLocations;
  /** Unit of the retry back-off: attempt n waits n² units (1 s, 4 s … 100 s in Azure). */
  retryBackoffUnitMs: number;
  /** Engine for container jobs and service containers. */
  containerEngine: ContainerEngine;
  /** Time each service container gets to become healthy, in milliseconds. */
  serviceHealthTimeoutMs: number;
}

/** Everything a step needs from the job that runs it. */
export interface JobRunContext {
  request: JobRequest;
  options: ResolvedRunnerOptions;
  job: JobState;
  workspace: JobWorkspace;
  control: JobControl;
  /** Build.SourcesDirectory: `s/`, a `checkout: self` path, or the checkout itself with `inPlace`. */
  sourcesDirectory: string;
  /** Process groups of steps that ended; killed at job end like the agent's orphan-process cleanup. */
  processGroups: Set<number>;
  /** The job's containers, when the request has a container or services. */
  containers?: ContainerJobSession;
  /** Worst step result so far (Agent.JobStatus). */
  jobResult: TaskResult;
}
