import type { Located, SourceLocation } from '../language/source-location.js';
import type {
  JobDefinition,
  PipelineDefinition,
  PoolDefinition,
  StageDefinition,
  VariableDefinition,
} from '../language/pipeline/pipeline-model.js';

/** The operating systems a host or an agent can run, as `vmImage` names them. */
export type HostOs = 'linux' | 'windows' | 'macos';

/** Options of `createRunPlan`. */
export interface PlanOptions {
  /** Run only this stage (`--stage`), with the stages it depends on unless `noDeps`. */
  stage?: string;
  /** Run only this job (`--job`), with the jobs it depends on unless `noDeps`. */
  job?: string;
  /** Leave out the dependencies of the selected stage or job. */
  noDeps?: boolean;
  /** `vmImage` name → `host`: run jobs for that image on this machine anyway (`--platform`). */
  platformMap?: Record<string, 'host'>;
  /** The operating system of the machine that runs the jobs. */
  hostOs: HostOs;
}

/**
 * A pipeline ready to run: stages and jobs with their dependencies resolved and
 * checked, and matrix and parallel strategies expanded into job instances.
 */
export interface RunPlan {
  file: string;
  definition: PipelineDefinition;
  /** Pipeline-level variables, in source order. */
  variables: VariableDefinition[];
  /** Stages in file order; every stage named in a `dependsOn` comes before its dependants. */
  stages: PlannedStage[];
  hostOs: HostOs;
  /** Image names mapped to this machine (`--platform`); runtime matrices use it too. */
  platformMap: Record<string, 'host'>;
}

export interface PlannedStage {
  name: string;
  displayName: string;
  /** Direct dependencies (stage names), after the previous-stage default is applied. */
  dependsOn: string[];
  condition?: Located<string>;
  variables: VariableDefinition[];
  jobs: PlannedJob[];
  definition: StageDefinition;
  location: SourceLocation;
}

/** One job as written (a "phase" in Azure's terms), before or after its strategy expansion. */
export interface PlannedJob {
  name: string;
  displayName: string;
  /** Direct dependencies (job names in the same stage). */
  dependsOn: string[];
  condition?: Located<string>;
  continueOnError: boolean;
  variables: VariableDefinition[];
  /** The pool after job → stage → pipeline inheritance. */
  pool?: PoolDefinition;
  /**
   * Job instances (matrix legs, parallel slices, or the job itself). Empty when
   * the matrix is a runtime expression: the orchestrator expands it when the job starts.
   */
  instances: JobInstance[];
  /** A `$[ ]` matrix, evaluated when the job is reached. */
  runtimeMatrix?: Located<string>;
  /** Most instances running at once; 0 means no limit. */
  maxParallel: number;
  definition: JobDefinition;
  location: SourceLocation;
}

/** One copy of a job that runs on one agent. */
export interface JobInstance {
  /** Unique in the stage: the job name, or `<job>_<leg>` for matrix legs and slices. */
  name: string;
  displayName: string;
  /** Agent.JobName: the leg name for a matrix leg, else the job name. */
  agentJobName: string;
  /** Matrix leg name or slice name (`job1`…); prefixes the instance's output variable keys. */
  legName?: string;
  /** Matrix leg variables, applied at job scope. */
  matrixVariables: Record<string, string>;
  /** 1-based. */
  positionInPhase: number;
  totalJobsInPhase: number;
  /** Set when the instance cannot run on this machine, for example "needs a windows agent". */
  skipReason?: string;
}
