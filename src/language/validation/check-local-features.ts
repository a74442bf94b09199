import type { DiagnosticBag } from '../diagnostic.js';
import type { PipelineDefinition, PoolDefinition, StepDefinition, VariableDefinition } from '../pipeline/pipeline-model.js';
import type { SourceLocation } from '../source-location.js';
import { findAzureOnlyTask } from './azure-only-tasks.js';
import { stepsOfJob } from './job-steps.js';
import { serviceConnectionNames } from './service-connection-inputs.js';

/** Lower-cased names the local machine provides, from `--variable-group` files and local connection settings. */
export interface LocalDefinitions {
  knownVariableGroups: ReadonlySet<string>;
  knownServiceConnections: ReadonlySet<string>;
}

/** Resource kinds that only the Azure Pipelines server can resolve (YAML schema reference: resources). */
const SERVER_RESOURCE_KINDS: Record<string, string> = {
  pipelines: 'pipeline',
  builds: 'build',
  packages: 'package',
  webhooks: 'webhook',
};

/**
 * Reports features Azure Pipelines accepts that Sluice cannot run on this
 * machine (VAL001 to VAL005): variable groups and service connections with no
 * local definition, Azure-only tasks, agentless jobs, and server-side resources.
 */
export function checkLocalFeatures(definition: PipelineDefinition, local: LocalDefinitions, bag: DiagnosticBag): void {
  checkVariableGroups(definition.variables, local, bag);
  for (const stage of definition.stages) {
    checkVariableGroups(stage.variables, local, bag);
    for (const job of stage.jobs) {
      checkVariableGroups(job.variables, local, bag);
      for (const step of stepsOfJob(job)) checkTaskStep(step, local, bag);
    }
  }

  checkAgentlessPools(definition, bag);
  checkServerResources(definition, bag);
}

function checkVariableGroups(variables: readonly VariableDefinition[], local: LocalDefinitions, bag: DiagnosticBag): void {
  for (const variable of variables) {
    if (variable.kind !== 'group' || local.knownVariableGroups.has(variable.name.toLowerCase())) continue;
    bag.warning(
      'VAL001',
      `variable group '${variable.name}' has no local definition, so its variables are empty in a local run`,
      variable.location,
      `Give the group's values in a file with --variable-group ${variable.name}=FILE (a YAML or JSON mapping of name to value).`,
    );
  }
}

function checkTaskStep(step: StepDefinition, local: LocalDefinitions, bag: DiagnosticBag): void {
  if (step.type !== 'task') return;

  const azureOnly = findAzureOnlyTask(step.task);
  if (azureOnly) {
    bag.warning(
      'VAL003',
      `task '${step.task}@${step.version}' needs ${azureOnly.needs}, which a local run does not have`,
      step.location,
      `Use ${azureOnly.instead}, or run this part of the pipeline in Azure Pipelines.`,
    );
    // The task cannot run locally with any connection, so VAL002 about its connection inputs would repeat VAL003.
    return;
  }

  for (const [input, value] of Object.entries(step.inputs)) {
    for (const connection of serviceConnectionNames(input, value)) {
      if (local.knownServiceConnections.has(connection.toLowerCase())) continue;
      bag.warning(
        'VAL002',
        `input '${input}' of task '${step.task}@${step.version}' names service connection '${connection}', which has no local definition`,
        step.location,
        'Define the connection for local runs, or replace the task with a script step that reads credentials mapped through `env:`.',
      );
    }
  }
}

/** Reports each `pool: server` once, at the pool that sets it, even when many jobs inherit it. */
function checkAgentlessPools(definition: PipelineDefinition, bag: DiagnosticBag): void {
  const reported = new Set<string>();
  const report = (pool: PoolDefinition | undefined, owner: string): void => {
    if (pool?.name?.toLowerCase() !== 'server') return;
    const key = locationKey(pool.location);
    if (reported.has(key)) return;
    reported.add(key);
    bag.warning(
      'VAL004',
      `${owner} is an agentless job ('pool: server'); only the Azure Pipelines server can run its tasks`,
      pool.location,
      'Replace the agentless tasks with script steps in an agent job (for example `sleep` for Delay, `curl` for InvokeRESTAPI), or skip this job locally with --stage/--job.',
    );
  };

  for (const stage of definition.stages) {
    for (const job of stage.jobs) {
      if (job.pool) report(job.pool, `job '${job.name}'`);
      else if (stage.pool) report(stage.pool, `every job of stage '${stage.name}'`);
      else report(definition.pool, 'every job of the pipeline');
    }
  }
}

function checkServerResources(definition: PipelineDefinition, bag: DiagnosticBag): void {
  for (const [kind, items] of Object.entries(definition.resources?.other ?? {})) {
    const aliasKey = SERVER_RESOURCE_KINDS[kind];
    if (aliasKey === undefined) continue;
    const aliases = Array.isArray(items) ? items.map((item) => aliasOf(item, aliasKey)).filter((alias) => alias !== undefined) : [];
    const named = aliases.length > 0 ? ` (${aliases.map((alias) => `'${alias}'`).join(', ')})` : '';
    // NOTE: the definition keeps these resources as plain data without positions, so the warning points at the file.
    bag.warning(
      'VAL005',
      `resources.${kind}${named} can only be resolved by the Azure Pipelines server: a local run has no ${aliasKey} resources, their triggers or their variables`,
      definition.location,
      kind === 'pipelines'
        ? 'Download the other pipeline\'s artifacts beforehand and read them from a local folder, or run this pipeline in Azure Pipelines.'
        : `Remove the ${kind} resources for local runs, or run this pipeline in Azure Pipelines.`,
    );
  }
}

function aliasOf(item: unknown, key: string): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const alias = (item as Record<string, unknown>)[key];
  return typeof alias === 'string' ? alias : undefined;
}

function locationKey(location: SourceLocation): string {
  return `${location.file}:${location.line}:${location.column}`;
}
