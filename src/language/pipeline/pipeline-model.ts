import type { Located, SourceLocation } from '../source-location.js';

/**
 * The typed, normalised pipeline after YAML loading (and, later, template
 * expansion): always stages → jobs → steps, with the implicit stage and job of
 * the shorter shapes filled in. Every node keeps its source location.
 * Values that Azure treats as strings at runtime (variables, inputs, env) stay strings.
 */
export interface PipelineDefinition {
  /** The path shown in diagnostics, relative to the working directory when possible. */
  file: string;
  /** The run-number format from the root `name:` key. */
  name?: Located<string>;
  appendCommitMessageToRunName: boolean;
  variables: VariableDefinition[];
  pool?: PoolDefinition;
  stages: StageDefinition[];
  /** Root `trigger`, `pr`, `schedules` and `resources` as written; the server reads them. */
  trigger?: unknown;
  pr?: unknown;
  schedules?: unknown;
  resources?: ResourcesDefinition;
  /** Root-level runtime parameters (their values are applied at template expansion). */
  parameters: ParameterDefinition[];
  location: SourceLocation;
}

export interface ParameterDefinition {
  name: string;
  displayName?: string;
  type: string;
  default?: unknown;
  values?: unknown[];
  location: SourceLocation;
}

export interface ResourcesDefinition {
  repositories: RepositoryResource[];
  containers: ContainerResource[];
  /** pipelines, builds, packages and webhooks as written. */
  other: Record<string, unknown>;
}

export interface RepositoryResource {
  alias: string;
  type: string;
  name?: string;
  ref?: string;
  endpoint?: string;
  location: SourceLocation;
}

export interface ContainerResource {
  alias: string;
  image: string;
  options?: string;
  env: Record<string, string>;
  ports: string[];
  volumes: string[];
  endpoint?: string;
  mapDockerSocket?: boolean;
  /** Agent folders mounted read-only: `work`, `externals`, `tools`, `tasks`. */
  mountReadOnly?: Record<string, boolean>;
  location: SourceLocation;
}

/** One entry of a `variables:` block, in source order (later entries win in the same scope). */
export type VariableDefinition =
  | {
      kind: 'variable';
      name: string;
      value: string;
      readonly: boolean;
      location: SourceLocation;
      /** Start of the expression inside a one-line `$[ ]` value, so that its errors point into it. */
      expressionLocation?: SourceLocation;
    }
  | { kind: 'group'; name: string; location: SourceLocation };

export interface PoolDefinition {
  name?: string;
  vmImage?: string;
  demands: string[];
  location: SourceLocation;
}

export interface StageDefinition {
  name: string;
  displayName?: string;
  /** `undefined` means the default: the previous stage in file order. `[]` makes a root. */
  dependsOn?: Located<string>[];
  condition?: Located<string>;
  variables: VariableDefinition[];
  pool?: PoolDefinition;
  jobs: JobDefinition[];
  lockBehavior?: string;
  /** `manual` stages wait for a user to start them; the default is `automatic`. */
  trigger?: 'manual' | 'automatic';
  /** False stops users from skipping the stage; the default is true. */
  isSkippable?: boolean;
  /** Data handed to an extends template, as written. */
  templateContext?: unknown;
  /** True for the stage Azure creates for the `jobs:` and `steps:` shapes. */
  implicit: boolean;
  location: SourceLocation;
}

export interface StrategyDefinition {
  /** Leg name → variables, or a `$[ ]` runtime expression that yields that JSON. */
  matrix?: Record<string, Record<string, string>> | Located<string>;
  /** Leg names with their locations, for name-rule diagnostics. */
  matrixLocations?: Record<string, SourceLocation>;
  maxParallel?: number;
  parallel?: number;
  /** Deployment strategies (runOnce, rolling, canary) with their hooks. */
  deployment?: DeploymentStrategy;
  location: SourceLocation;
}

export interface DeploymentStrategy {
  kind: 'runOnce' | 'rolling' | 'canary';
  maxParallel?: string;
  increments?: number[];
  /** Hook name (`preDeploy`, `deploy`, `routeTraffic`, `postRouteTraffic`, `on.failure`, `on.success`) → steps. */
  hooks: Record<string, { steps: StepDefinition[]; pool?: PoolDefinition }>;
}

export interface JobDefinition {
  kind: 'job' | 'deployment';
  /** Empty for an anonymous job; the normaliser names those `Job`, `Job1`, … as Azure does. */
  name: string;
  displayName?: string;
  dependsOn: Located<string>[];
  condition?: Located<string>;
  /** False when `continueOnErrorExpression` is set. */
  continueOnError: boolean;
  /**
   * A `$[ ]` runtime expression given as `continueOnError`, evaluated for each job
   * instance when the job is reached. Azure's schema types a job's continueOnError
   * as a string (a step's as a boolean), so a runtime expression is allowed there.
   */
  continueOnErrorExpression?: Located<string>;
  /** Minutes; 0 means no limit on a self-hosted machine. Default 60. */
  timeoutInMinutes: number;
  /** Minutes given to steps after a cancel. Default 5. */
  cancelTimeoutInMinutes: number;
  variables: VariableDefinition[];
  strategy?: StrategyDefinition;
  pool?: PoolDefinition;
  /** A `resources.containers` alias or an image name, or a runtime expression. */
  container?: Located<string> | ContainerResource;
  /** Service container alias → container resource alias or inline container. */
  services: Record<string, string | ContainerResource>;
  workspaceClean?: 'outputs' | 'resources' | 'all';
  environment?: { name: string; resourceName?: string };
  steps: StepDefinition[];
  /** Repository aliases and pools the job needs but does not otherwise reference (`uses:`). */
  uses?: { repositories: string[]; pools: string[] };
  /** Data handed to an extends template, as written. */
  templateContext?: unknown;
  /** True for the job Azure creates for the `steps:` shape. */
  implicit: boolean;
  location: SourceLocation;
}

export interface StepCommon {
  /** Reference name (`name:`); needed to read the step's output variables. */
  name?: string;
  displayName?: string;
  condition?: Located<string>;
  continueOnError: boolean;
  enabled: boolean;
  env: Record<string, string>;
  /** Minutes; 0 means no step limit (the job's still applies). */
  timeoutInMinutes: number;
  retryCountOnTaskFailure: number;
  target?: { container: string; commands?: 'any' | 'restricted'; settableVariables?: 'none' | string[] };
  location: SourceLocation;
}

export interface ScriptStep extends StepCommon {
  type: 'script' | 'bash' | 'pwsh' | 'powershell';
  script: string;
  workingDirectory?: string;
  failOnStderr: boolean;
  /** PowerShell only: `stop`, `continue`, `silentlyContinue`. */
  errorActionPreference?: string;
  ignoreLASTEXITCODE?: boolean;
}

export interface TaskStep extends StepCommon {
  type: 'task';
  /** Task name or GUID, as written before `@`. */
  task: string;
  /** Major version, or the full version as written after `@`. */
  version: string;
  inputs: Record<string, string>;
}

export interface CheckoutStep extends StepCommon {
  type: 'checkout';
  /** `self`, `none`, or a repository resource alias. */
  repository: string;
  clean?: boolean;
  fetchDepth?: number;
  fetchTags?: boolean;
  lfs?: boolean;
  submodules?: boolean | 'recursive';
  path?: string;
  persistCredentials?: boolean;
  /** Partial-clone filter passed to `git fetch --filter`. */
  fetchFilter?: string;
  sparseCheckoutDirectories?: string;
  sparseCheckoutPatterns?: string;
  workspaceRepo?: boolean;
}

export interface DownloadStep extends StepCommon {
  type: 'download';
  /** `current`, `none`, or a pipeline resource alias. */
  source: string;
  artifact?: string;
  patterns?: string;
}

export interface PublishStep extends StepCommon {
  type: 'publish';
  path: string;
  artifact?: string;
}

export type StepDefinition = ScriptStep | TaskStep | CheckoutStep | DownloadStep | PublishStep;
