import type { EventSink, RecordRef } from '../events/run-event.js';
import type { TaskResult } from '../events/task-result.js';
import type { PoolDefinition, StepDefinition } from '../language/pipeline/pipeline-model.js';

/** A variable as a job sees it at start: already merged across scopes. */
export interface JobVariable {
  value: string;
  isSecret: boolean;
  readonly: boolean;
}

/** Where `checkout: self` takes its sources from. */
export interface SourceRepository {
  /** The checkout (work tree) the run started in. */
  path: string;
  /** Run in the checkout itself instead of a copy (`--in-place`). */
  inPlace: boolean;
}

/**
 * Everything the runner needs to run one job on this machine. The orchestrator
 * builds it after template expansion, matrix expansion and variable merging, with
 * `$[ ]` runtime expressions already evaluated, so the runner knows no graph.
 */
export interface JobRequest {
  runId: string;
  /** The job's timeline record; step records get ids `${record.id}.${index}`. */
  record: RecordRef;
  stageName: string;
  /** The job's name with its matrix leg or slice, unique in the stage. */
  jobName: string;
  /** Agent.JobName: the matrix leg name for matrix jobs, else the job name. */
  agentJobName: string;
  steps: StepDefinition[];
  /**
   * Job variables by name, merged with Azure's precedence: queue-time, then
   * job, matrix leg, stage, pipeline; predefined Build.* and System.* values of
   * the run are included. Names keep their original case; lookups ignore case.
   */
  variables: Record<string, JobVariable>;
  /** Minutes, 0 for no limit. */
  timeoutInMinutes: number;
  cancelTimeoutInMinutes: number;
  pool?: PoolDefinition;
  workspaceClean?: 'outputs' | 'resources' | 'all';
  source: SourceRepository;
  /** Folder under which the job's workspace (Pipeline.Workspace) is created. */
  workRoot: string;
  /** 1-based position and count for matrix legs and parallel slices (System.JobPositionInPhase). */
  positionInPhase: number;
  totalJobsInPhase: number;
  /**
   * Run `checkout: self` first when `steps` has no checkout step. Default true;
   * false for deployment jobs, which Azure does not check out automatically.
   */
  implicitCheckout?: boolean;
}

/** What the runner reports back when a job ends. */
export interface JobOutcome {
  result: TaskResult;
  /** Why the job failed or was canceled, in words a user understands. */
  reason?: string;
  /** Output variables by `step.variable` (`isOutput=true`), values unmasked for use by dependants. */
  outputs: Record<string, string>;
  /** Final variable values, secrets as `***`, for the run summary. */
  variables: Record<string, string>;
  /** Version chosen by UsePythonVersion, when the job used it. */
  pythonVersion?: string;
}

/**
 * Runs jobs. The local runner implements it in-process; the server implements it
 * by sending the request to an agent. Cancellation through `signal` is not a
 * failure: the job ends with result `canceled`.
 */
export interface JobExecutor {
  runJob(request: JobRequest, sink: EventSink, signal: AbortSignal): Promise<JobOutcome>;
}
