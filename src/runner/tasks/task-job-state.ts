import type { JobCoverageSummary, JobTestRunSummary } from '../job-request.js';
import type { JobRunContext } from '../job-run-context.js';
import type { StepState } from '../job-state.js';
import type { StepAttemptResult } from '../run-script-step.js';
import type { TaskPackage } from '../task-packages/task-definition.js';
import type { NodeSearchLocations } from './node-installations.js';
import type { ServiceConnection } from './service-connections.js';

/** Settings of the built-in tasks and task packages, given to LocalJobRunner. */
export interface TaskServices {
  taskPackages: readonly TaskPackage[];
  serviceConnections: ReadonlyMap<string, ServiceConnection>;
  nodeSearch: NodeSearchLocations;
}

/**
 * A step that runs after every job step, like the agent's "Post-job: <task>"
 * steps (Cache@2 saves there). `run` returns `{ skipped: reason }` to mark the record skipped.
 */
export interface PostJobStep {
  displayName: string;
  /** Record id of the step that added it; a retried step adds its post-job step once. */
  owner: string;
  run(context: JobRunContext, state: StepState): Promise<StepAttemptResult | { skipped: string }>;
}

/** Job-wide state of the built-in tasks. */
export interface TaskJobState {
  services: TaskServices;
  postJobSteps: PostJobStep[];
  testResults: JobTestRunSummary[];
  coverage: JobCoverageSummary[];
}

/** Kept beside the job context instead of in it, so the runner's core types stay unaware of individual tasks. */
const states = new WeakMap<JobRunContext, TaskJobState>();

const NO_SERVICES: TaskServices = { taskPackages: [], serviceConnections: new Map(), nodeSearch: { nvmDirectory: undefined, toolsDirectory: undefined, includeRunningNode: true } };

/** Adds a post-job step unless its owner step already added one (a retry runs the step again). */
export function addPostJobStep(context: JobRunContext, step: PostJobStep): void {
  const steps = taskJobStateOf(context).postJobSteps;
  if (!steps.some((item) => item.owner === step.owner)) steps.push(step);
}

/** Creates the task state of a job; call once, when the job starts. */
export function attachTaskJobState(context: JobRunContext, services: TaskServices): TaskJobState {
  const state: TaskJobState = { services, postJobSteps: [], testResults: [], coverage: [] };
  states.set(context, state);
  return state;
}

/** Returns the task state of a job, creating an empty one for a context built without attachTaskJobState. */
export function taskJobStateOf(context: JobRunContext): TaskJobState {
  return states.get(context) ?? attachTaskJobState(context, NO_SERVICES);
}
