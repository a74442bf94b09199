/**
 * The keys each kind of pipeline node accepts and the YAML shapes their values
 * may take. Sources: the Azure Pipelines YAML schema reference
 * (learn.microsoft.com/azure/devops/pipelines/yaml-schema: pipeline, stages.stage,
 * jobs.job, jobs.deployment, steps.*, pool, resources.*) and, for the legacy keys
 * `phases`, `phase` and `queue`, the schema of microsoft/azure-pipelines-vscode.
 */
export type ValueShape = 'scalar' | 'mapping' | 'sequence';

/** Key → the shapes its value may take. */
export type KeyTable = Readonly<Record<string, readonly ValueShape[]>>;

const SCALAR: readonly ValueShape[] = ['scalar'];
const MAPPING: readonly ValueShape[] = ['mapping'];
const SEQUENCE: readonly ValueShape[] = ['sequence'];
const SCALAR_OR_SEQUENCE: readonly ValueShape[] = ['scalar', 'sequence'];
const SCALAR_OR_MAPPING: readonly ValueShape[] = ['scalar', 'mapping'];
const ANY: readonly ValueShape[] = ['scalar', 'mapping', 'sequence'];
const VARIABLES: readonly ValueShape[] = ['mapping', 'sequence'];

/** Keys that may sit at the root of every pipeline shape. */
export const ROOT_KEYS: KeyTable = {
  name: SCALAR,
  appendCommitMessageToRunName: SCALAR,
  trigger: ANY,
  pr: ANY,
  schedules: SEQUENCE,
  parameters: VARIABLES,
  resources: VARIABLES,
  variables: VARIABLES,
  pool: SCALAR_OR_MAPPING,
  lockBehavior: SCALAR,
  stages: SEQUENCE,
  jobs: SEQUENCE,
  steps: SEQUENCE,
  extends: MAPPING,
  phases: SEQUENCE,
  queue: SCALAR_OR_MAPPING,
  server: SCALAR_OR_MAPPING,
  // Job keys allowed at the root of the `steps` shape.
  strategy: MAPPING,
  continueOnError: SCALAR,
  container: SCALAR_OR_MAPPING,
  services: MAPPING,
  workspace: MAPPING,
  timeoutInMinutes: SCALAR,
  cancelTimeoutInMinutes: SCALAR,
};

/** Root keys that belong to the implicit job of the `steps` shape. */
export const ROOT_JOB_KEYS = [
  'strategy',
  'continueOnError',
  'container',
  'services',
  'workspace',
  'timeoutInMinutes',
  'cancelTimeoutInMinutes',
  'steps',
] as const;

export const STAGE_KEYS: KeyTable = {
  stage: SCALAR,
  displayName: SCALAR,
  dependsOn: SCALAR_OR_SEQUENCE,
  condition: SCALAR,
  variables: VARIABLES,
  jobs: SEQUENCE,
  pool: SCALAR_OR_MAPPING,
  lockBehavior: SCALAR,
  trigger: SCALAR,
  isSkippable: SCALAR,
  group: SCALAR,
  templateContext: ANY,
  checks: SEQUENCE,
};

const JOB_COMMON_KEYS: KeyTable = {
  displayName: SCALAR,
  dependsOn: SCALAR_OR_SEQUENCE,
  condition: SCALAR,
  continueOnError: SCALAR,
  timeoutInMinutes: SCALAR,
  cancelTimeoutInMinutes: SCALAR,
  variables: VARIABLES,
  pool: SCALAR_OR_MAPPING,
  container: SCALAR_OR_MAPPING,
  services: MAPPING,
  workspace: MAPPING,
  uses: MAPPING,
  templateContext: ANY,
};

export const JOB_KEYS: KeyTable = {
  job: SCALAR,
  ...JOB_COMMON_KEYS,
  strategy: MAPPING,
  steps: SEQUENCE,
};

/** Legacy `- phase:` items: the job keys plus `queue` and `server`. */
export const PHASE_KEYS: KeyTable = {
  phase: SCALAR,
  ...JOB_COMMON_KEYS,
  strategy: MAPPING,
  steps: SEQUENCE,
  queue: SCALAR_OR_MAPPING,
  server: SCALAR_OR_MAPPING,
};

export const DEPLOYMENT_KEYS: KeyTable = {
  deployment: SCALAR,
  ...JOB_COMMON_KEYS,
  environment: SCALAR_OR_MAPPING,
  strategy: MAPPING,
};

export const POOL_KEYS: KeyTable = { name: SCALAR, vmImage: SCALAR, demands: SCALAR_OR_SEQUENCE };

/** Legacy `queue:` mapping; `matrix` and `parallel` here are the strategy of older pipelines. */
export const QUEUE_KEYS: KeyTable = {
  name: SCALAR,
  demands: SCALAR_OR_SEQUENCE,
  matrix: SCALAR_OR_MAPPING,
  parallel: SCALAR,
};

export const STRATEGY_KEYS: KeyTable = {
  matrix: SCALAR_OR_MAPPING,
  maxParallel: SCALAR,
  parallel: SCALAR,
};

export const DEPLOYMENT_STRATEGY_KEYS: KeyTable = { runOnce: MAPPING, rolling: MAPPING, canary: MAPPING };

export const RUN_ONCE_KEYS: KeyTable = {
  preDeploy: MAPPING,
  deploy: MAPPING,
  routeTraffic: MAPPING,
  postRouteTraffic: MAPPING,
  on: MAPPING,
};
export const ROLLING_KEYS: KeyTable = { ...RUN_ONCE_KEYS, maxParallel: SCALAR };
export const CANARY_KEYS: KeyTable = { ...RUN_ONCE_KEYS, increments: SEQUENCE };
export const HOOK_KEYS: KeyTable = { steps: SEQUENCE, pool: SCALAR_OR_MAPPING };
export const ON_KEYS: KeyTable = { failure: MAPPING, success: MAPPING };

export const ENVIRONMENT_KEYS: KeyTable = {
  name: SCALAR,
  resourceName: SCALAR,
  resourceId: SCALAR,
  resourceType: SCALAR,
  tags: SCALAR_OR_SEQUENCE,
};

export const USES_KEYS: KeyTable = { repositories: SEQUENCE, pools: SEQUENCE };

export const WORKSPACE_KEYS: KeyTable = { clean: SCALAR };

export const CONTAINER_KEYS: KeyTable = {
  image: SCALAR,
  endpoint: SCALAR,
  env: MAPPING,
  mapDockerSocket: SCALAR,
  options: SCALAR,
  ports: SEQUENCE,
  volumes: SEQUENCE,
  mountReadOnly: MAPPING,
};

export const MOUNT_READ_ONLY_KEYS: KeyTable = { work: SCALAR, externals: SCALAR, tools: SCALAR, tasks: SCALAR };

/** `resources.containers[]` items: the inline container keys plus registry details. */
export const CONTAINER_RESOURCE_KEYS: KeyTable = {
  container: SCALAR,
  ...CONTAINER_KEYS,
  type: SCALAR,
  trigger: ANY,
  azureSubscription: SCALAR,
  resourceGroup: SCALAR,
  registry: SCALAR,
  repository: SCALAR,
  localImage: SCALAR,
};

export const REPOSITORY_RESOURCE_KEYS: KeyTable = {
  repository: SCALAR,
  type: SCALAR,
  name: SCALAR,
  ref: SCALAR,
  endpoint: SCALAR,
  trigger: ANY,
};

export const RESOURCES_KEYS: KeyTable = {
  repositories: SEQUENCE,
  containers: SEQUENCE,
  pipelines: SEQUENCE,
  builds: SEQUENCE,
  packages: SEQUENCE,
  webhooks: SEQUENCE,
};

/** Items of the legacy list form `resources: - repo: self`. */
export const LEGACY_RESOURCE_KEYS: KeyTable = { repo: SCALAR, clean: SCALAR, fetchDepth: SCALAR, lfs: SCALAR };

export const PARAMETER_KEYS: KeyTable = { name: SCALAR, displayName: SCALAR, type: SCALAR, default: ANY, values: SEQUENCE };

export const VARIABLE_ITEM_KEYS: KeyTable = { name: SCALAR, value: SCALAR, readonly: SCALAR };
export const GROUP_ITEM_KEYS: KeyTable = { group: SCALAR };

/** Properties every step type accepts. */
export const STEP_COMMON_KEYS: KeyTable = {
  name: SCALAR,
  displayName: SCALAR,
  condition: SCALAR,
  continueOnError: SCALAR,
  enabled: SCALAR,
  env: MAPPING,
  timeoutInMinutes: SCALAR,
  retryCountOnTaskFailure: SCALAR,
  target: SCALAR_OR_MAPPING,
};

const SCRIPT_KEYS: KeyTable = { workingDirectory: SCALAR, failOnStderr: SCALAR };
const POWERSHELL_KEYS: KeyTable = { ...SCRIPT_KEYS, errorActionPreference: SCALAR, ignoreLASTEXITCODE: SCALAR };

/** Step type key → the keys that type adds to STEP_COMMON_KEYS. */
export const STEP_TYPE_KEYS: Readonly<Record<string, KeyTable>> = {
  script: { script: SCALAR, ...SCRIPT_KEYS },
  bash: { bash: SCALAR, ...SCRIPT_KEYS },
  pwsh: { pwsh: SCALAR, ...POWERSHELL_KEYS },
  powershell: { powershell: SCALAR, ...POWERSHELL_KEYS },
  task: { task: SCALAR, inputs: MAPPING },
  checkout: {
    checkout: SCALAR,
    clean: SCALAR,
    fetchDepth: SCALAR,
    fetchFilter: SCALAR,
    fetchTags: SCALAR,
    lfs: SCALAR,
    persistCredentials: SCALAR,
    submodules: SCALAR,
    path: SCALAR,
    sparseCheckoutDirectories: SCALAR,
    sparseCheckoutPatterns: SCALAR,
    workspaceRepo: SCALAR,
  },
  download: { download: SCALAR, artifact: SCALAR, patterns: SCALAR },
  publish: { publish: SCALAR, artifact: SCALAR },
  // `upload` is the older spelling of `publish` (azure-pipelines-vscode schema).
  upload: { upload: SCALAR, artifact: SCALAR },
  downloadBuild: { downloadBuild: SCALAR, artifact: SCALAR, path: SCALAR, patterns: SCALAR },
  getPackage: { getPackage: SCALAR, path: SCALAR },
  reviewApp: { reviewApp: SCALAR },
};

export const STEP_TARGET_KEYS: KeyTable = { container: SCALAR, commands: SCALAR, settableVariables: SCALAR_OR_SEQUENCE };
