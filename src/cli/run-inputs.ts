import { readFile } from 'node:fs/promises';
import { parse as parseYaml } from 'yaml';
import type { LocalVariableGroup } from '../orchestrator/run-options.js';
import type { Diagnostic } from '../language/diagnostic.js';
import { loadTaskPackages } from '../runner/task-packages/load-task-packages.js';
import type { TaskPackage } from '../runner/task-packages/task-definition.js';
import { loadServiceConnections } from '../runner/tasks/service-connections.js';
import type { ServiceConnection } from '../runner/tasks/service-connections.js';
import { CliErrorCodes } from './cli-error-codes.js';

/** Inputs of a local run besides the pipeline: secrets, task packages, service connections. */
export interface RunInputs {
  secrets: Record<string, string>;
  taskPackages: TaskPackage[];
  serviceConnections: Map<string, ServiceConnection>;
  /** Variable groups from `--variable-group`, by lower-case name. */
  variableGroups: Record<string, LocalVariableGroup>;
  diagnostics: Diagnostic[];
}

export interface RunInputOptions {
  /** `NAME=VALUE`, or `NAME` alone to take the value from the environment variable NAME. */
  secret?: string[];
  secretsFile?: string;
  tasks?: string[];
  serviceConnections?: string;
  /** `NAME=FILE`: the values of variable group NAME (repeatable). */
  variableGroup?: string[];
}

/**
 * Reads the run's inputs from the command line and the files it names. Secret
 * values never appear in a diagnostic: only names and file positions do.
 */
export async function loadRunInputs(options: RunInputOptions, environment: NodeJS.ProcessEnv = process.env): Promise<RunInputs> {
  const diagnostics: Diagnostic[] = [];
  const secrets: Record<string, string> = {};

  if (options.secretsFile) Object.assign(secrets, await readSecretsFile(options.secretsFile, diagnostics));
  for (const entry of options.secret ?? []) {
    const equals = entry.indexOf('=');
    if (equals > 0) {
      secrets[entry.slice(0, equals)] = entry.slice(equals + 1);
      continue;
    }
    const fromEnvironment = equals < 0 && entry !== '' ? environment[entry] : undefined;
    if (fromEnvironment === undefined) {
      diagnostics.push({
        code: CliErrorCodes.invalidOption,
        severity: 'error',
        message: equals < 0 ? `--secret '${entry}' names no value and the environment has no variable '${entry}'` : `invalid --secret: expected NAME=VALUE or NAME`,
        hint: 'pass --secret NAME=VALUE, or export NAME in the environment and pass --secret NAME',
      });
      continue;
    }
    secrets[entry] = fromEnvironment;
  }

  const packages = options.tasks && options.tasks.length > 0 ? await loadTaskPackages(options.tasks) : { tasks: [], diagnostics: [] };
  diagnostics.push(...packages.diagnostics);

  let serviceConnections = new Map<string, ServiceConnection>();
  if (options.serviceConnections) {
    const loaded = await loadServiceConnections(options.serviceConnections);
    diagnostics.push(...loaded.diagnostics);
    serviceConnections = loaded.connections;
  }
  const variableGroups = await loadVariableGroups(options.variableGroup ?? [], diagnostics);
  return { secrets, taskPackages: packages.tasks, serviceConnections, variableGroups, diagnostics };
}

/**
 * Reads `--variable-group NAME=FILE` options. FILE is YAML or JSON (JSON is
 * YAML): a mapping of variable name to value, where a value is a scalar or
 * `{ value: ..., isSecret: true }`. The mapping may sit under a top-level
 * `variables:` key, which is the shape Azure DevOps' variable group REST API
 * returns (learn.microsoft.com/rest/api/azure/devops/distributedtask/variablegroups).
 * Problems become diagnostics that name the file and the variable, never a value.
 */
export async function loadVariableGroups(entries: readonly string[], diagnostics: Diagnostic[]): Promise<Record<string, LocalVariableGroup>> {
  const groups: Record<string, LocalVariableGroup> = {};
  for (const entry of entries) {
    const equals = entry.indexOf('=');
    if (equals <= 0 || equals === entry.length - 1) {
      diagnostics.push(optionError(`invalid --variable-group '${entry}': expected NAME=FILE`, 'pass --variable-group GROUP_NAME=path/to/group.yml'));
      continue;
    }
    const name = entry.slice(0, equals);
    const file = entry.slice(equals + 1);
    const group = await readVariableGroupFile(name, file, diagnostics);
    if (group) groups[name.toLowerCase()] = group;
  }
  return groups;
}

async function readVariableGroupFile(name: string, file: string, diagnostics: Diagnostic[]): Promise<LocalVariableGroup | undefined> {
  const hint = 'write a mapping of variable name to value; mark a secret as NAME: { value: VALUE, isSecret: true }';
  let document: unknown;
  try {
    document = parseYaml(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    diagnostics.push(optionError(`cannot read the file of variable group '${name}' ('${file}'): ${reason}`, 'check the path and the YAML or JSON syntax of the file'));
    return undefined;
  }

  const root = isMapping(document) && isMapping(document.variables) ? document.variables : document;
  if (!isMapping(root)) {
    diagnostics.push(optionError(`the file of variable group '${name}' ('${file}') is not a mapping of variable names to values`, hint));
    return undefined;
  }

  const group: LocalVariableGroup = { name, variables: {}, secrets: {} };
  for (const [variable, raw] of Object.entries(root)) {
    const entry = isMapping(raw) ? raw : { value: raw };
    const value = entry.value;
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      diagnostics.push(optionError(`variable '${variable}' of group '${name}' ('${file}') has no string, number or boolean value`, hint));
      continue;
    }
    const text = String(value);
    if (entry.isSecret === true) group.secrets[variable] = text;
    else group.variables[variable] = text;
  }
  return group;
}

/**
 * The variable names the command line defines: `--variable` and `--secret`
 * names (before `=`) and every variable of the `--variable-group` files.
 */
export function commandLineVariableNames(given: { variable?: string[]; secret?: string[]; groups?: Record<string, LocalVariableGroup> }): string[] {
  const names = [...(given.variable ?? []), ...(given.secret ?? [])].map((entry) => entry.split('=')[0]!).filter((name) => name !== '');
  for (const group of Object.values(given.groups ?? {})) names.push(...Object.keys(group.variables), ...Object.keys(group.secrets));
  return names;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function optionError(message: string, hint: string): Diagnostic {
  return { code: CliErrorCodes.invalidOption, severity: 'error', message, hint };
}

/**
 * Reads a secrets file: one `NAME=VALUE` per line, blank lines and lines
 * starting with `#` ignored, no quoting (the value is the rest of the line).
 */
async function readSecretsFile(file: string, diagnostics: Diagnostic[]): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    diagnostics.push({
      code: CliErrorCodes.invalidOption,
      severity: 'error',
      message: `cannot read the secrets file '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      hint: 'check the path given to --secrets-file',
    });
    return {};
  }

  const secrets: Record<string, string> = {};
  text.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const equals = line.indexOf('=');
    if (equals <= 0) {
      diagnostics.push({
        code: CliErrorCodes.invalidOption,
        severity: 'error',
        message: `line ${index + 1} of the secrets file is not NAME=VALUE`,
        location: { file, line: index + 1, column: 1 },
        hint: 'write one NAME=VALUE per line; lines starting with # are comments',
      });
      return;
    }
    secrets[line.slice(0, equals).trim()] = line.slice(equals + 1);
  });
  return secrets;
}
