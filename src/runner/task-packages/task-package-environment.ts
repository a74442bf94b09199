import { isAbsolute, resolve } from 'node:path';
import type { TaskStep } from '../../language/pipeline/pipeline-model.js';
import { toEnvironmentName } from '../environment-name.js';
import type { JobRunContext } from '../job-run-context.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import { buildStepEnvironment, macroExpander } from '../step-environment.js';
import { TaskStepError } from '../tasks/task-step-error.js';
import { taskJobStateOf } from '../tasks/task-job-state.js';
import type { ServiceConnection } from '../tasks/service-connections.js';
import type { TaskPackage } from './task-definition.js';
import { evaluateVisibleRule } from './visible-rule.js';

/**
 * Computes a task's input values: task.json defaults, overlaid by the step's
 * inputs given under the name or an alias (keys and values trimmed, matched
 * without case), then macro-expanded. Non-empty relative `filePath` inputs are
 * rooted at System.DefaultWorkingDirectory, and an empty one is that folder,
 * as the agent does. Inputs the step gives that task.json does not declare are
 * passed on unchanged. Throws RUN016 naming every required input left empty.
 */
export function resolveTaskInputs(context: JobRunContext, step: TaskStep, task: TaskPackage): Map<string, string> {
  const expand = macroExpander(context);
  const stepInputs = new Map<string, string>();
  for (const [key, value] of Object.entries(step.inputs)) stepInputs.set(key.trim().toLowerCase(), value.trim());

  const values = new Map<string, string>();
  const declared = new Set<string>();
  for (const input of task.definition.inputs) {
    const keys = [input.name, ...input.aliases].map((key) => key.toLowerCase());
    keys.forEach((key) => declared.add(key));
    const raw = keys.map((key) => stepInputs.get(key)).find((value) => value !== undefined) ?? input.defaultValue;
    values.set(input.name, expand(raw));
  }
  for (const [key, value] of Object.entries(step.inputs)) if (!declared.has(key.trim().toLowerCase())) values.set(key.trim(), expand(value.trim()));

  const base = context.job.variables.value('System.DefaultWorkingDirectory') ?? context.sourcesDirectory;
  for (const input of task.definition.inputs) {
    if (input.type !== 'filePath') continue;
    const value = values.get(input.name) ?? '';
    values.set(input.name, value === '' ? base : isAbsolute(value) ? value : resolve(base, value));
  }

  const valueOf = (name: string): string => values.get(task.definition.inputs.find((input) => input.name.toLowerCase() === name.toLowerCase())?.name ?? name) ?? '';
  const missing = task.definition.inputs.filter((input) => {
    if (!input.required || input.type === 'filePath' || (values.get(input.name) ?? '') !== '') return false;
    // A required input hidden by its visibleRule is not required, as in the task editor.
    return input.visibleRule === undefined || evaluateVisibleRule(input.visibleRule, valueOf) !== false;
  });
  if (missing.length > 0) {
    const label = `${task.definition.name}@${task.definition.version.major}`;
    const names = missing.map((input) => `'${input.name}'${input.aliases.length > 0 ? ` (alias ${input.aliases.map((alias) => `'${alias}'`).join(', ')})` : ''}`);
    throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${label}: required input ${names.join(', ')} ${missing.length > 1 ? 'are' : 'is'} missing; add ${missing.length > 1 ? 'them' : 'it'} under 'inputs:'`);
  }
  return values;
}

/** Adds the ENDPOINT_* variables of one connection, as the agent's Handler.AddEndpointsToEnvironment names them. */
function addEndpoint(env: NodeJS.ProcessEnv, connection: ServiceConnection): void {
  const id = connection.id;
  env[`ENDPOINT_URL_${id}`] = connection.url;
  env[`ENDPOINT_AUTH_${id}`] = JSON.stringify({ parameters: connection.parameters, scheme: connection.authScheme });
  env[`ENDPOINT_AUTH_SCHEME_${id}`] = connection.authScheme;
  for (const [key, value] of Object.entries(connection.parameters)) env[`ENDPOINT_AUTH_PARAMETER_${id}_${key.toUpperCase()}`] = value;
  env[`ENDPOINT_DATA_${id}`] = JSON.stringify(connection.data);
  for (const [key, value] of Object.entries(connection.data)) env[`ENDPOINT_DATA_${id}_${key.toUpperCase()}`] = value;
}

/**
 * Builds a task package's environment with the agent's protocol: the step
 * environment (AGENT_*, SYSTEM_*, BUILD_* and every non-secret variable, then
 * `env:`), INPUT_<NAME> per input, SECRET_<NAME> per secret variable with
 * VSTS_SECRET_VARIABLES and VSTS_PUBLIC_VARIABLES listing the names, and the
 * ENDPOINT_* variables of every connection a `connectedService:` input names.
 * task-lib reads the INPUT_, SECRET_ and ENDPOINT_AUTH_ values into its vault
 * and removes them from process.env. Source: azure-pipelines-task-lib node/internal.ts (_loadData).
 */
export function buildTaskPackageEnvironment(context: JobRunContext, step: TaskStep, task: TaskPackage, inputs: Map<string, string>): NodeJS.ProcessEnv {
  const env = buildStepEnvironment(context, step.env, {});
  const connections = taskJobStateOf(context).services.serviceConnections;
  const label = `${task.definition.name}@${task.definition.version.major}`;

  for (const input of task.definition.inputs.filter((item) => item.type.toLowerCase().startsWith('connectedservice'))) {
    const names = (inputs.get(input.name) ?? '').split(',').map((name) => name.trim()).filter((name) => name !== '');
    const ids: string[] = [];
    for (const name of names) {
      const connection = connections.get(name.toLowerCase()) ?? [...connections.values()].find((item) => item.id === name);
      if (!connection) {
        throw new TaskStepError(
          RunnerErrorCode.ServiceConnectionNotFound,
          `${label}: input '${input.name}' names service connection '${name}', which is not defined; add it to the file given to --service-connections`,
        );
      }
      addEndpoint(env, connection);
      ids.push(connection.id);
    }
    if (ids.length > 0) inputs.set(input.name, ids.join(','));
  }

  for (const [name, value] of inputs) env[`INPUT_${toEnvironmentName(name)}`] = value;

  const publicNames: string[] = [];
  const secretNames: string[] = [];
  for (const variable of context.job.variables.all()) {
    if (variable.isSecret) {
      env[`SECRET_${toEnvironmentName(variable.name)}`] = variable.value;
      secretNames.push(variable.name);
    } else {
      publicNames.push(variable.name);
    }
  }
  env.VSTS_PUBLIC_VARIABLES = JSON.stringify(publicNames);
  env.VSTS_SECRET_VARIABLES = JSON.stringify(secretNames);
  return env;
}
