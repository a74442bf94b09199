import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../language/diagnostic.js';
import { loadTaskPackages } from '../runner/task-packages/load-task-packages.js';
import type { TaskPackage } from '../runner/task-packages/task-definition.js';
import { loadServiceConnections } from '../runner/tasks/service-connections.js';
import type { ServiceConnection } from '../runner/tasks/service-connections.js';
import { CliErrorCodes } from './cli-error-codes.js';

/** What a local run is given besides the pipeline: secrets, task packages, service connections. */
export interface RunInputs {
  secrets: Record<string, string>;
  taskPackages: TaskPackage[];
  serviceConnections: Map<string, ServiceConnection>;
  diagnostics: Diagnostic[];
}

export interface RunInputOptions {
  /** `NAME=VALUE`, or `NAME` alone to take the value from the environment variable NAME. */
  secret?: string[];
  secretsFile?: string;
  tasks?: string[];
  serviceConnections?: string;
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
  return { secrets, taskPackages: packages.tasks, serviceConnections, diagnostics };
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
