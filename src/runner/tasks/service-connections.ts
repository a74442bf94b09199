import { readFile } from 'node:fs/promises';
import type { Diagnostic } from '../../language/diagnostic.js';
import { ServiceConnectionErrorCode } from './service-connection-error-codes.js';

/**
 * A service connection (or an Azure Artifacts feed) defined for local runs.
 * Tasks find it by the name written in their inputs.
 */
export interface ServiceConnection {
  name: string;
  /** Id used in the ENDPOINT_*_<id> environment variables of task packages; the name unless set. */
  id: string;
  /** Endpoint type, e.g. `externalPythonUploadFeed`; informational. */
  type?: string;
  url: string;
  /** `UsernamePassword`, `Token` or `None`, as in ENDPOINT_AUTH_SCHEME_<id>. */
  authScheme: string;
  /** Authorization parameters (`username`, `password`, `apitoken` …). Every value except `username` is a secret. */
  parameters: Record<string, string>;
  /** Extra endpoint data (ENDPOINT_DATA_<id>_<KEY>). */
  data: Record<string, string>;
}

/** Authorization parameters that are not secret; everything else is masked. */
const PUBLIC_PARAMETERS = new Set(['username']);

/** Returns the secret values of a connection, for the secret masker. */
export function connectionSecrets(connection: ServiceConnection): string[] {
  return Object.entries(connection.parameters)
    .filter(([key, value]) => !PUBLIC_PARAMETERS.has(key.toLowerCase()) && value !== '')
    .map(([, value]) => value);
}

/** Result of reading a service connections file: every valid entry, and a diagnostic per invalid one. */
export interface LoadedServiceConnections {
  connections: Map<string, ServiceConnection>;
  diagnostics: Diagnostic[];
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function stringRecord(value: unknown): Record<string, string> | undefined {
  if (value === undefined) return {};
  if (!isRecord(value)) return undefined;
  const result: Record<string, string> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item !== 'string') return undefined;
    result[key] = item;
  }
  return result;
}

/**
 * Parses the JSON of a service connections file:
 * `{ "serviceConnections": { "<name>": { "url": "...", "authScheme": "UsernamePassword",
 * "parameters": { "username": "...", "password": "..." }, "id"?, "type"?, "data"? } } }`.
 * Names match without case. Messages never contain a parameter value.
 */
export function parseServiceConnections(text: string, file: string): LoadedServiceConnections {
  const connections = new Map<string, ServiceConnection>();
  const diagnostics: Diagnostic[] = [];
  const location = { file, line: 1, column: 1 };
  const problem = (message: string): void => {
    diagnostics.push({
      code: ServiceConnectionErrorCode.InvalidShape,
      severity: 'error',
      message,
      location,
      hint: 'write { "serviceConnections": { "<name>": { "url": "https://…", "authScheme": "UsernamePassword", "parameters": { "username": "…", "password": "…" } } } }',
    });
  };

  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    // JSON.parse messages quote a few characters of the input, which may be a secret, so only the position is kept.
    const position = /position (\d+)/.exec((error as Error).message)?.[1];
    const offset = position === undefined ? 0 : Number(position);
    const before = text.slice(0, offset).split('\n');
    diagnostics.push({
      code: ServiceConnectionErrorCode.InvalidJson,
      severity: 'error',
      message: `service connections file '${file}' is not valid JSON`,
      location: { file, line: before.length, column: (before.at(-1)?.length ?? 0) + 1 },
      hint: 'fix the JSON syntax at this position',
    });
    return { connections, diagnostics };
  }

  const entries = isRecord(json) ? json.serviceConnections : undefined;
  if (!isRecord(entries)) {
    problem(`service connections file '${file}' needs a top-level object "serviceConnections"`);
    return { connections, diagnostics };
  }

  for (const [name, entry] of Object.entries(entries)) {
    if (!isRecord(entry)) {
      problem(`service connection '${name}' must be an object`);
      continue;
    }
    const parameters = stringRecord(entry.parameters);
    const data = stringRecord(entry.data);
    if (typeof entry.url !== 'string' || entry.url.trim() === '') {
      problem(`service connection '${name}' needs a "url" string`);
      continue;
    }
    if (parameters === undefined || data === undefined) {
      problem(`service connection '${name}': "parameters" and "data" must be objects of strings`);
      continue;
    }
    const optionalText = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);
    connections.set(name.toLowerCase(), {
      name,
      id: optionalText(entry.id) ?? name,
      type: optionalText(entry.type),
      url: entry.url.trim(),
      authScheme: optionalText(entry.authScheme) ?? (Object.keys(parameters).length > 0 ? 'UsernamePassword' : 'None'),
      parameters,
      data,
    });
  }
  return { connections, diagnostics };
}

/** Reads and parses a service connections file; a file that cannot be read is one SVC001 diagnostic. */
export async function loadServiceConnections(file: string): Promise<LoadedServiceConnections> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    return {
      connections: new Map(),
      diagnostics: [
        {
          code: ServiceConnectionErrorCode.ReadFailed,
          severity: 'error',
          message: `cannot read service connections file '${file}': ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
          hint: 'check the path given to --service-connections',
        },
      ],
    };
  }
  return parseServiceConnections(text, file);
}
