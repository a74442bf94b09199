import { delimiter } from 'node:path';
import { expandMacros } from '../language/variables/macro-expansion.js';
import { isReservedVariableName } from './environment-name.js';
import type { JobRunContext } from './job-run-context.js';
import { environmentNameOf } from './logging-command-handlers.js';

/** Finds the PATH key of an environment; on Windows it may be spelled `Path`. */
function pathKey(env: NodeJS.ProcessEnv): string {
  return Object.keys(env).find((key) => key.toUpperCase() === 'PATH') ?? 'PATH';
}

/** Environment names by variable name (`undefined` for a reserved name), because every step of every job converts the same names. */
const environmentNames = new Map<string, string | undefined>();

function stepEnvironmentName(name: string, preserveCase: boolean): string | undefined {
  const key = preserveCase ? `\0${name}` : name;
  if (environmentNames.has(key)) return environmentNames.get(key);
  // A long-lived agent gets new names with every run, so the cache starts over instead of growing without end.
  if (environmentNames.size >= 10_000) environmentNames.clear();
  const environmentName = isReservedVariableName(name) ? undefined : environmentNameOf(name, preserveCase);
  environmentNames.set(key, environmentName);
  return environmentName;
}

/**
 * Returns a macro expander over the job's variables as they are now, so a
 * value set by `task.setvariable` shows from the next step on. Secrets expand
 * too: that is how `env: { TOKEN: $(token) }` passes them (learn.microsoft.com …/process/variables).
 */
export function macroExpander(context: JobRunContext): (text: string) => string {
  const variables = context.job.variables;
  return (text) => expandMacros(text, (name) => variables.value(name));
}

/** Builds PATH with the job's prepended folders first, without repeating them. */
export function buildPath(prepends: readonly string[], basePath: string | undefined): string {
  const base = (basePath ?? '').split(delimiter).filter((entry) => entry !== '' && !prepends.includes(entry));
  return [...prepends, ...base].join(delimiter);
}

/**
 * Builds a step's environment: the runner's own environment, every non-secret
 * variable under its environment name (learn.microsoft.com …/process/variables,
 * "Environment variables"), PATH with prepended folders, then the step's `env:`
 * entries with macros expanded. Secrets only arrive through `env:`. A step in
 * a container starts from `base` (the container's PATH) instead of the runner's environment.
 */
export function buildStepEnvironment(
  context: JobRunContext,
  stepEnv: Record<string, string>,
  extra: Record<string, string>,
  base: NodeJS.ProcessEnv = context.options.baseEnvironment,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const variable of context.job.variables.all()) {
    if (variable.isSecret) continue;
    const name = stepEnvironmentName(variable.name, variable.preserveCase === true);
    if (name !== undefined) env[name] = variable.value;
  }
  // The agent also exports Agent.JobStatus under its raw, legacy name.
  env['agent.jobstatus'] = context.job.variables.value('Agent.JobStatus');

  const key = pathKey(env);
  env[key] = buildPath(context.job.pathPrepends, env[key]);

  const expand = macroExpander(context);
  for (const [name, value] of Object.entries(stepEnv)) env[name] = expand(value);
  for (const [name, value] of Object.entries(extra)) env[name] = value;
  return env;
}
