import type { JobCoverageSummary, JobTestRunSummary } from '../runner/job-request.js';
import type { TaskResult } from '../events/task-result.js';

/** The end state of one job instance. Skipped and canceled jobs have no start time. */
export interface JobRunOutcome {
  /** The instance name (`Tests_py311`), unique in the stage. */
  name: string;
  displayName: string;
  /** The job as written (the matrix's job name for a leg). */
  jobName: string;
  recordId: string;
  result: TaskResult;
  reason?: string;
  /** ISO 8601 times. */
  startTime?: string;
  finishTime?: string;
  /** Final variable values as the runner reported them, secrets as `***`. */
  variables: Record<string, string>;
  /** Output variables keyed `step.variable`. */
  outputs: Record<string, string>;
  pythonVersion?: string;
  /** Test runs published by PublishTestResults, secrets masked. */
  testResults?: JobTestRunSummary[];
  /** Coverage reports published by PublishCodeCoverageResults. */
  coverage?: JobCoverageSummary[];
  /** The environment a deployment job deployed to (`environment:`), for the run summary. */
  environment?: { name: string; resourceName?: string };
}

/** The end state of one stage, with its job instances in plan order. */
export interface StageOutcome {
  name: string;
  displayName: string;
  recordId: string;
  result: TaskResult;
  reason?: string;
  startTime?: string;
  finishTime?: string;
  jobs: JobRunOutcome[];
}

/** The result of a whole run: the worst stage result, and every stage. */
export interface RunOutcome {
  result: TaskResult;
  stages: StageOutcome[];
}
