import type { EventSink, RecordRef } from '../events/run-event.js';
import type { TaskResult } from '../events/task-result.js';
import type { ContainerResource, PoolDefinition, StepDefinition } from '../language/pipeline/pipeline-model.js';

/** A variable as a job receives it at start, already merged across scopes. */
export interface JobVariable {
  value: string;
  isSecret: boolean;
  readonly: boolean;
}

/** The source of `checkout: self`. */
export interface SourceRepository {
  /** The checkout (work tree) the run started in. */
  path: string;
  /** Run in the checkout itself instead of a copy (`--in-place`). */
  inPlace: boolean;
}

/**
 * Everything the runner needs to run one job on this machine. The orchestrator
 * builds it after template expansion, matrix expansion and variable merging, with
 * `$[ ]` runtime expressions already evaluated, so the runner needs no knowledge of the dependency graph.
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
  /**
   * True when `workRoot` is a new folder that only this process's run writes to,
   * as for `sluice run`: each job then gets a workspace of its own, without locks.
   */
  workRootOwned?: boolean;
  /** 1-based position and count for matrix legs and parallel slices (System.JobPositionInPhase). */
  positionInPhase: number;
  totalJobsInPhase: number;
  /**
   * Run `checkout: self` first when `steps` has no checkout step. Default true;
   * false for deployment jobs, which Azure does not check out automatically.
   */
  implicitCheckout?: boolean;
  /**
   * Folder of the run's pipeline artifacts, shared by every job of the run
   * (the orchestrator sets `<run work root>/artifacts`). Default: `<workRoot>/artifacts`.
   */
  artifactStoreRoot?: string;
  /** Folder of the Cache@2 store, shared across runs. Default: `~/.cache/sluice/pipeline-cache`. */
  cacheRoot?: string;
  /**
   * The job container (`container:`), resolved from `resources.containers` or
   * written inline. When set, steps run in it unless their `target` names the host or another container.
   */
  container?: ContainerResource;
  /** Service containers (`services:`) by alias, resolved from `resources.containers`. */
  services?: Record<string, ContainerResource>;
  /**
   * Local copies of `resources.repositories` entries by alias (`--repository alias=PATH`),
   * with the resource's `name`, which names their folder in a multi-checkout job.
   */
  repositories?: Record<string, { path: string; name?: string }>;
  /**
   * Record number of the first step; default 1. A deployment job runs each
   * lifecycle hook as its own request under one job record, so the orchestrator
   * numbers each hook's steps after the previous hook's.
   */
  firstStepIndex?: number;
}

/** Counts and failures of one test run published by PublishTestResults@2, secrets masked. */
export interface JobTestRunSummary {
  title: string;
  format: string;
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  /** Failed tests by full name, with the failure message when the report has one. */
  failedTests: Array<{ name: string; message?: string }>;
}

/** Line and branch coverage of one report published by PublishCodeCoverageResults. */
export interface JobCoverageSummary {
  format: string;
  file: string;
  lines: { covered: number; total: number; percent: number };
  branches: { covered: number; total: number; percent: number };
}

/** The runner's report when a job ends. */
export interface JobOutcome {
  result: TaskResult;
  /** The reason the job failed or was canceled, in words a user understands. */
  reason?: string;
  /** Output variables by `step.variable` (`isOutput=true`), values unmasked for use by dependants. */
  outputs: Record<string, string>;
  /** Final variable values, secrets as `***`, for the run summary. */
  variables: Record<string, string>;
  /** Version chosen by UsePythonVersion, when the job used it. */
  pythonVersion?: string;
  /** Test runs published by PublishTestResults@2, in publish order. */
  testResults?: JobTestRunSummary[];
  /** Coverage reports published by PublishCodeCoverageResults@1/@2, in publish order. */
  coverage?: JobCoverageSummary[];
}

/**
 * Runs jobs. The local runner implements it in-process; the server implements it
 * by sending the request to an agent. Cancellation through `signal` is not a
 * failure: the job ends with result `canceled`.
 */
export interface JobExecutor {
  runJob(request: JobRequest, sink: EventSink, signal: AbortSignal): Promise<JobOutcome>;
}
