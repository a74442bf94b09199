import { join } from 'node:path';
import type { Diagnostic } from '../../language/diagnostic.js';
import { TaskPackageErrorCode } from './task-package-error-codes.js';

/** One input of a task.json. */
export interface TaskInputDefinition {
  name: string;
  aliases: string[];
  /** `string`, `boolean`, `filePath`, `connectedService:<kind>` … */
  type: string;
  defaultValue: string;
  required: boolean;
  /** e.g. `targetType = inline`; decides whether a required input is required. */
  visibleRule?: string;
}

/** A Node execution handler of a task.json. */
export interface TaskHandler {
  /** Handler key as written, e.g. `Node20_1`. */
  kind: string;
  /** Absolute path of the script to run. */
  target: string;
  argumentFormat: string;
  workingDirectory?: string;
}

/** `restrictions` of a task.json. */
export interface TaskRestrictions {
  commandsMode: 'any' | 'restricted';
  /** Variables the task may set; undefined means any. */
  settableVariables?: string[];
}

/** The parts of task.json that the runner uses. */
export interface TaskDefinition {
  id: string;
  name: string;
  version: { major: number; minor: number; patch: number };
  inputs: TaskInputDefinition[];
  outputVariables: string[];
  restrictions: TaskRestrictions;
}

/** A loaded task package: its folder, its definition and the handlers chosen for this machine. */
export interface TaskPackage {
  directory: string;
  /** Path of the task.json. */
  file: string;
  definition: TaskDefinition;
  execution: TaskHandler;
  postJobExecution?: TaskHandler;
}

/**
 * Node handlers Sluice runs, preferred first. Every one runs with the Node.js
 * that runs Sluice, because the agent's bundled Node versions are not here.
 * Handler names: task-lib's tasks.schema.json.
 */
export const NODE_HANDLERS = ['Node24', 'Node20_1', 'Node16', 'Node10', 'Node'] as const;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Reads task.json's `"true"`/`true` booleans and numbers-as-text the way the agent does. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return typeof value === 'string' ? value : String(value);
}

/** Parses the handler of an `execution` block, or returns undefined when it has no Node handler. */
function chooseHandler(block: unknown, directory: string): TaskHandler | undefined {
  if (!isRecord(block)) return undefined;
  const keys = Object.keys(block);
  for (const kind of NODE_HANDLERS) {
    const key = keys.find((item) => item.toLowerCase() === kind.toLowerCase());
    const handler = key === undefined ? undefined : block[key];
    if (!isRecord(handler) || typeof handler.target !== 'string') continue;
    return {
      kind: key as string,
      target: join(directory, handler.target),
      argumentFormat: asText(handler.argumentFormat),
      workingDirectory: typeof handler.workingDirectory === 'string' && handler.workingDirectory !== '' ? handler.workingDirectory : undefined,
    };
  }
  return undefined;
}

/**
 * Parses task.json text into a definition and its handlers. Problems are
 * returned as coded diagnostics naming the file; `package` is undefined
 * when the task cannot run. Fields follow task-lib's tasks.schema.json.
 * NOTE: `prejobexecution` handlers are not run; no task written for local use needs them so far.
 */
export function parseTaskDefinition(
  text: string,
  file: string,
  directory: string,
): { package?: Omit<TaskPackage, 'file' | 'directory'>; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const location = { file, line: 1, column: 1 };
  const fail = (code: string, message: string, hint: string): { diagnostics: Diagnostic[] } => {
    diagnostics.push({ code, severity: 'error', message, hint, location });
    return { diagnostics };
  };

  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    return fail(TaskPackageErrorCode.InvalidJson, `task.json '${file}' is not valid JSON: ${(error as Error).message}`, 'fix the JSON syntax');
  }
  if (!isRecord(json)) return fail(TaskPackageErrorCode.InvalidDefinition, `task.json '${file}' must contain a JSON object`, 'see the task.json schema in azure-pipelines-task-lib');

  const version = isRecord(json.version) ? json.version : undefined;
  const major = Number(version?.Major ?? version?.major);
  const missing = [
    typeof json.id !== 'string' || json.id === '' ? 'id' : undefined,
    typeof json.name !== 'string' || json.name === '' ? 'name' : undefined,
    !Number.isInteger(major) ? 'version.Major' : undefined,
  ].filter((item): item is string => item !== undefined);
  if (missing.length > 0) {
    return fail(TaskPackageErrorCode.InvalidDefinition, `task.json '${file}' is missing or has an invalid ${missing.map((item) => `'${item}'`).join(', ')}`, 'add the field: id is a GUID, name a word, version { "Major": 1, "Minor": 0, "Patch": 0 }');
  }

  const inputs: TaskInputDefinition[] = [];
  for (const [position, input] of (Array.isArray(json.inputs) ? json.inputs : []).entries()) {
    if (!isRecord(input) || typeof input.name !== 'string' || input.name === '') {
      diagnostics.push({ code: TaskPackageErrorCode.InvalidDefinition, severity: 'error', message: `task.json '${file}': input ${position + 1} has no 'name'`, hint: 'give every input a name', location });
      continue;
    }
    inputs.push({
      name: input.name,
      aliases: Array.isArray(input.aliases) ? input.aliases.filter((item): item is string => typeof item === 'string') : [],
      type: asText(input.type) || 'string',
      defaultValue: asText(input.defaultValue),
      required: asText(input.required).toLowerCase() === 'true',
      visibleRule: typeof input.visibleRule === 'string' && input.visibleRule.trim() !== '' ? input.visibleRule : undefined,
    });
  }

  const execution = chooseHandler(json.execution, directory);
  if (!execution) {
    const kinds = isRecord(json.execution) ? Object.keys(json.execution).join(', ') : 'none';
    diagnostics.push({
      code: TaskPackageErrorCode.NoSupportedHandler,
      severity: 'error',
      message: `task.json '${file}' has no Node execution handler (handlers: ${kinds || 'none'})`,
      hint: `add an "execution" entry with one of ${NODE_HANDLERS.join(', ')} and a "target" script`,
      location,
    });
    return { diagnostics };
  }

  const restrictions = isRecord(json.restrictions) ? json.restrictions : {};
  const commands = isRecord(restrictions.commands) ? restrictions.commands : {};
  const settable = isRecord(restrictions.settableVariables) ? restrictions.settableVariables : undefined;
  const definition: TaskDefinition = {
    id: (json.id as string).toLowerCase(),
    name: json.name as string,
    version: { major, minor: Number(version?.Minor ?? version?.minor ?? 0) || 0, patch: Number(version?.Patch ?? version?.patch ?? 0) || 0 },
    inputs,
    outputVariables: (Array.isArray(json.outputVariables) ? json.outputVariables : []).flatMap((item) => (isRecord(item) && typeof item.name === 'string' ? [item.name] : [])),
    restrictions: {
      commandsMode: asText(commands.mode).toLowerCase() === 'restricted' ? 'restricted' : 'any',
      settableVariables: settable && Array.isArray(settable.allowed) ? settable.allowed.filter((item): item is string => typeof item === 'string') : undefined,
    },
  };
  return { package: { definition, execution, postJobExecution: chooseHandler(json.postjobexecution, directory) }, diagnostics };
}
