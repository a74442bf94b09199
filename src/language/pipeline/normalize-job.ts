import { matchRuntimeExpression } from '../expressions/runtime-expression.js';
import type { YamlMapping, YamlNode } from '../yaml/yaml-node.js';
import { DEPLOYMENT_KEYS, ENVIRONMENT_KEYS, JOB_KEYS, PHASE_KEYS, USES_KEYS, WORKSPACE_KEYS } from './key-tables.js';
import { checkIdentifier } from './name-rules.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizePool } from './normalize-pool.js';
import { readInlineContainer } from './normalize-resources.js';
import { MAX_TIMEOUT_MINUTES, normalizeSteps } from './normalize-step.js';
import { normalizeDeploymentStrategy, normalizeStrategy, readMatrixStrategy } from './normalize-strategy.js';
import { normalizeVariables } from './normalize-variables.js';
import {
  checkKeys,
  describeShape,
  entryValue,
  locatedText,
  optionalData,
  readBoolean,
  readChoice,
  readCondition,
  readInteger,
  readStringList,
  scalarText,
} from './node-reader.js';
import type { ContainerResource, JobDefinition } from './pipeline-model.js';

/** Job timeout defaults (learn.microsoft.com …/process/phases, "Timeouts"): 60 minutes, cancel timeout 5. */
export const DEFAULT_JOB_TIMEOUT_MINUTES = 60;
export const DEFAULT_CANCEL_TIMEOUT_MINUTES = 5;
/** The largest `cancelTimeoutInMinutes` Azure accepts (learn.microsoft.com …/process/phases). */
export const MAX_CANCEL_TIMEOUT_MINUTES = 35_790;

/**
 * Normalises one item of a `jobs:` (or legacy `phases:`) list. The job's name is
 * left empty when the YAML has none; the stage normaliser names such jobs.
 */
export function normalizeJob(item: YamlNode, context: NormalizeContext): JobDefinition | undefined {
  if (item.kind !== 'mapping') {
    context.error('PIPE002', `each job must be a mapping, but one is ${describeShape(item)}`, item.location,
      'Start each job with "- job: Name" or "- deployment: Name".');
    return undefined;
  }

  const kindKey = item.entries.find((entry) => ['job', 'deployment', 'phase'].includes(entry.key.text))?.key.text;
  if (kindKey === undefined) {
    context.error('PIPE003', 'the job has no "job" or "deployment" key', item.location,
      'Start the job with "- job: Name" (or "- deployment: Name" for a deployment job).');
    return undefined;
  }

  if (kindKey === 'deployment') return normalizeDeploymentJob(item, context);
  return normalizeAgentJob(item, kindKey === 'phase' ? 'phase' : 'job', context);
}

function normalizeAgentJob(item: YamlMapping, kindKey: 'job' | 'phase', context: NormalizeContext): JobDefinition {
  checkKeys(item, kindKey === 'job' ? JOB_KEYS : PHASE_KEYS, `job "${scalarText(entryValue(item, kindKey)) ?? ''}"`, context);
  const job = readJobCommon(item, 'job', kindKey, context);
  const owner = `job "${job.name || 'Job'}"`;

  job.steps = normalizeSteps(entryValue(item, 'steps'), owner, context);
  job.strategy = normalizeStrategy(entryValue(item, 'strategy'), context);

  const queue = entryValue(item, 'queue');
  if (kindKey === 'phase' && queue !== undefined) {
    job.pool ??= normalizePool(queue, context, true);
    if (queue.kind === 'mapping') job.strategy ??= readMatrixStrategy(queue, queue.location, context, true);
  }
  return job;
}

function normalizeDeploymentJob(item: YamlMapping, context: NormalizeContext): JobDefinition {
  const name = scalarText(entryValue(item, 'deployment')) ?? '';
  const steps = item.entries.find((entry) => entry.key.text === 'steps');
  if (steps) {
    context.error('PIPE004', `deployment job "${name}" cannot have "steps"; its steps belong in the strategy hooks`, steps.key.location,
      'Move the steps under "strategy: runOnce: deploy: steps:".');
  }
  checkKeys(item, { ...DEPLOYMENT_KEYS, ...(steps ? { steps: ['sequence'] } : {}) }, `deployment job "${name}"`, context);

  const job = readJobCommon(item, 'deployment', 'deployment', context);
  // Exact match: Microsoft's own samples name deployment jobs "Deploy", and Azure runs them.
  if (name === 'deploy') {
    context.error('PIPE006', `"${name}" cannot be used as a deployment job name because "deploy" is a reserved word`,
      entryValue(item, 'deployment')!.location, 'Rename the deployment job, for example "DeployWeb".');
  }

  job.strategy = normalizeDeploymentStrategy(entryValue(item, 'strategy'), context);
  job.environment = readEnvironment(entryValue(item, 'environment'), context);
  return job;
}

function readJobCommon(item: YamlMapping, kind: JobDefinition['kind'], kindKey: string, context: NormalizeContext): JobDefinition {
  const nameNode = entryValue(item, kindKey);
  const name = scalarText(nameNode) ?? '';
  if (name !== '' && nameNode) checkIdentifier(name, kind === 'job' ? 'job' : 'deployment job', nameNode.location, context);

  return {
    kind,
    name,
    displayName: scalarText(entryValue(item, 'displayName')),
    dependsOn: readStringList(entryValue(item, 'dependsOn'), 'dependsOn', context),
    condition: readCondition(entryValue(item, 'condition'), context),
    ...readJobSettings(item, context),
    variables: normalizeVariables(entryValue(item, 'variables'), context),
    pool: normalizePool(entryValue(item, 'pool') ?? entryValue(item, 'server'), context),
    uses: readUses(entryValue(item, 'uses'), context),
    templateContext: optionalData(entryValue(item, 'templateContext')),
    steps: [],
    implicit: false,
    location: item.location,
  };
}

/**
 * Reads the job keys that the `steps` shape also allows at the root:
 * continueOnError, timeouts, container, services and workspace.
 */
export function readJobSettings(
  item: YamlMapping,
  context: NormalizeContext,
): Pick<JobDefinition, 'continueOnError' | 'continueOnErrorExpression' | 'timeoutInMinutes' | 'cancelTimeoutInMinutes' | 'container' | 'services' | 'workspaceClean'> {
  return {
    ...readJobContinueOnError(entryValue(item, 'continueOnError'), context),
    timeoutInMinutes: readInteger(entryValue(item, 'timeoutInMinutes'), 'timeoutInMinutes',
      { min: 0, max: MAX_TIMEOUT_MINUTES, fallback: DEFAULT_JOB_TIMEOUT_MINUTES }, context),
    cancelTimeoutInMinutes: readInteger(entryValue(item, 'cancelTimeoutInMinutes'), 'cancelTimeoutInMinutes',
      { min: 1, max: MAX_CANCEL_TIMEOUT_MINUTES, fallback: DEFAULT_CANCEL_TIMEOUT_MINUTES }, context),
    container: readContainer(entryValue(item, 'container'), 'container', context),
    services: readServices(entryValue(item, 'services'), context),
    workspaceClean: readWorkspace(entryValue(item, 'workspace'), context),
  };
}

/**
 * Reads a job's continueOnError: a YAML boolean, or a whole-value `$[ ]` runtime
 * expression. Azure's schema (service-schema.json of microsoft/azure-pipelines-vscode,
 * definition jobContinueOnError) types it as a string, while a step's is a boolean.
 */
function readJobContinueOnError(
  node: YamlNode | undefined,
  context: NormalizeContext,
): Pick<JobDefinition, 'continueOnError' | 'continueOnErrorExpression'> {
  if (node?.kind === 'scalar' && matchRuntimeExpression(node.text) !== undefined) {
    return { continueOnError: false, continueOnErrorExpression: { value: node.text, location: node.location } };
  }
  return { continueOnError: readBoolean(node, 'continueOnError', false, context) };
}

function readContainer(node: YamlNode | undefined, alias: string, context: NormalizeContext): JobDefinition['container'] {
  if (node?.kind === 'scalar') return node.tag === 'null' ? undefined : locatedText(node);
  if (node?.kind === 'mapping') return readInlineContainer(node, alias, context);
  return undefined;
}

function readServices(node: YamlNode | undefined, context: NormalizeContext): Record<string, string | ContainerResource> {
  const services: Record<string, string | ContainerResource> = {};
  if (node?.kind !== 'mapping') return services;

  for (const { key, value } of node.entries) {
    if (value.kind === 'scalar') services[key.text] = value.text;
    else if (value.kind === 'mapping') {
      const container = readInlineContainer(value, key.text, context);
      if (container) services[key.text] = container;
    } else {
      context.error('PIPE002', `service "${key.text}" must be a container alias or a mapping, but is a list`, value.location,
        'Name a container resource, or write the container inline with "image:".');
    }
  }
  return services;
}

function readUses(node: YamlNode | undefined, context: NormalizeContext): JobDefinition['uses'] {
  if (node?.kind !== 'mapping') return undefined;
  checkKeys(node, USES_KEYS, '"uses"', context);
  return {
    repositories: readStringList(entryValue(node, 'repositories'), 'repositories', context).map((alias) => alias.value),
    pools: readStringList(entryValue(node, 'pools'), 'pools', context).map((pool) => pool.value),
  };
}

function readWorkspace(node: YamlNode | undefined, context: NormalizeContext): JobDefinition['workspaceClean'] {
  if (node?.kind !== 'mapping') return undefined;
  checkKeys(node, WORKSPACE_KEYS, '"workspace"', context);
  return readChoice(entryValue(node, 'clean'), 'clean', ['outputs', 'resources', 'all'] as const, context);
}

/** `environment: name`, `name.resource`, or `{name, resourceName, …}` (YAML schema: jobs.deployment.environment). */
function readEnvironment(node: YamlNode | undefined, context: NormalizeContext): JobDefinition['environment'] {
  if (node?.kind === 'scalar') {
    const [name, ...rest] = node.text.split('.');
    return rest.length > 0 ? { name, resourceName: rest.join('.') } : { name };
  }
  if (node?.kind !== 'mapping') return undefined;

  checkKeys(node, ENVIRONMENT_KEYS, '"environment"', context);
  const name = scalarText(entryValue(node, 'name'));
  if (name === undefined) {
    context.error('PIPE003', '"environment" is missing the required key "name"', node.location, 'Add "name:" with the environment name.');
    return undefined;
  }
  return { name, resourceName: scalarText(entryValue(node, 'resourceName')) };
}
