import { access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { CliErrorCodes } from '../cli-error-codes.js';
import { formatCliError } from '../cli-error-message.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { openStore } from '../../store/open-store.js';
import type { Pipeline, PipelineInput } from '../../store/pipeline-repository.js';
import type { PipelineVariableView } from '../../store/pipeline-variable-repository.js';
import { isStoreError } from '../../store/store-error.js';
import { loadOrCreateServerKey } from '../../server/server-key.js';
import { databaseUrl } from './serve-command.js';

/** Options of `sluice repo add`, as commander passes them. */
export interface RepoAddOptions {
  /** Pipeline name; default the repository's folder or URL name without `.git`. */
  name?: string;
  /** Path of the pipeline file in the repository; default azure-pipelines.yml. */
  yaml?: string;
  /** Branch that manual runs use when none is given; default main. */
  branch?: string;
  /** Server base URL; default $SLUICE_SERVER. */
  server?: string;
  /** API token; default $SLUICE_TOKEN. */
  token?: string;
  /** Write to the store in this data folder instead of calling a server. */
  data?: string;
  /** With --data: `sqlite` (default) or a postgres:// URL. */
  database?: string;
}

/**
 * `sluice repo add URL`: registers a repository as a pipeline. With `--data`
 * it writes to the store directly (the server need not run); otherwise it
 * calls `POST /api/pipelines` on `--server` with `--token`. A local path is
 * made absolute against the current folder, because the server does not know it.
 */
export async function runRepoAddCommand(url: string, options: RepoAddOptions, io: CliIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const repositoryUrl = await normaliseRepository(url, io.cwd);
  const input: PipelineInput = { name: options.name ?? defaultName(repositoryUrl), repositoryUrl };
  if (options.yaml !== undefined) input.yamlPath = options.yaml;
  if (options.branch !== undefined) input.defaultBranch = options.branch;

  if (options.data !== undefined) return addToStore(input, options, io);

  const server = options.server ?? env.SLUICE_SERVER;
  const token = options.token ?? env.SLUICE_TOKEN;
  if (server === undefined || token === undefined) {
    io.stderr(formatCliError(CliErrorCodes.invalidOption, 'sluice repo add needs --server and --token (or SLUICE_SERVER and SLUICE_TOKEN), or --data to write to the store directly'));
    return ExitCode.invalidInput;
  }
  return addThroughApi(input, server, token, io);
}

async function addToStore(input: PipelineInput, options: RepoAddOptions, io: CliIo): Promise<number> {
  const dataDir = resolve(io.cwd, options.data!);
  const url = databaseUrl(options.database, dataDir);
  if (Array.isArray(url)) {
    io.stderr(formatCliError(CliErrorCodes.invalidOption, url[0]));
    return ExitCode.invalidInput;
  }
  try {
    const store = await openStore({ url, dataDir: join(dataDir, 'files'), secretKey: await loadOrCreateServerKey(join(dataDir, 'server.key')) });
    try {
      printAdded(await store.pipelines.create(input), io);
      return ExitCode.success;
    } finally {
      await store.close();
    }
  } catch (error) {
    if (!isStoreError(error)) throw error;
    // A StoreError's message already starts with its code.
    io.stderr(`error ${error.message}\n  hint: ${error.hint}\n`);
    return ExitCode.invalidInput;
  }
}

async function addThroughApi(input: PipelineInput, server: string, token: string, io: CliIo): Promise<number> {
  const result = await callApi<Pipeline>(server, token, 'POST', '/api/pipelines', input, io);
  if (typeof result === 'number') return result;
  printAdded(result, io);
  return ExitCode.success;
}

/** Options of `sluice repo variable set`, as commander passes them. */
export interface RepoVariableSetOptions {
  /** Pipeline name or id. */
  pipeline: string;
  /** The value; without it the value is read from standard input, so it stays out of the shell history. */
  value?: string;
  secret?: boolean;
  /** Let a queue-time variable replace the value. */
  allowOverride?: boolean;
  server?: string;
  token?: string;
}

/**
 * `sluice repo variable set NAME`: creates or replaces a pipeline variable
 * through `PUT /api/pipelines/:id/variables/:name`. Without `--value` the value
 * is `readInput()` (standard input) without its final line break. The value is
 * never printed.
 */
export async function runRepoVariableSetCommand(
  name: string,
  options: RepoVariableSetOptions,
  io: CliIo,
  env: NodeJS.ProcessEnv = process.env,
  readInput: () => Promise<string> = readStandardInput,
): Promise<number> {
  const server = options.server ?? env.SLUICE_SERVER;
  const token = options.token ?? env.SLUICE_TOKEN;
  if (server === undefined || token === undefined) {
    io.stderr(formatCliError(CliErrorCodes.invalidOption, 'sluice repo variable set needs --server and --token (or SLUICE_SERVER and SLUICE_TOKEN)'));
    return ExitCode.invalidInput;
  }

  const pipelineId = await findPipelineId(options.pipeline, server, token, io);
  if (typeof pipelineId !== 'number') return pipelineId.exitCode;

  const value = options.value ?? (await readInput()).replace(/\r?\n$/, '');
  const body = { value, isSecret: options.secret === true, allowOverride: options.allowOverride === true };
  const path = `/api/pipelines/${pipelineId}/variables/${encodeURIComponent(name)}`;
  const variable = await callApi<PipelineVariableView>(server, token, 'PUT', path, body, io);
  if (typeof variable === 'number') return variable;

  const flags = [variable.isSecret ? 'secret' : 'plain', variable.allowOverride ? 'settable at queue time' : undefined].filter((flag) => flag !== undefined);
  io.stdout(`Set variable '${variable.name}' of pipeline ${pipelineId} (${flags.join(', ')})\n`);
  return ExitCode.success;
}

/** Finds a pipeline by id or by name; returns an exit code after printing the error. */
async function findPipelineId(pipeline: string, server: string, token: string, io: CliIo): Promise<number | { exitCode: number }> {
  if (/^\d+$/.test(pipeline)) return Number(pipeline);
  const listed = await callApi<{ pipelines: Pipeline[] }>(server, token, 'GET', '/api/pipelines', undefined, io);
  if (typeof listed === 'number') return { exitCode: listed };
  const found = listed.pipelines.find((candidate) => candidate.name === pipeline);
  if (found !== undefined) return found.id;
  io.stderr(formatCliError(CliErrorCodes.invalidOption, `the server has no pipeline named '${pipeline}'`, 'give the pipeline id or name as sluice repo add printed it'));
  return { exitCode: ExitCode.invalidInput };
}

/** Calls the server API; returns the parsed body, or an exit code after printing the error. */
async function callApi<T>(server: string, token: string, method: string, path: string, body: unknown, io: CliIo): Promise<T | number> {
  let response: Response;
  try {
    response = await fetch(new URL(path, server), {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  } catch (error) {
    io.stderr(formatCliError(CliErrorCodes.serverUnreachable, `cannot reach the server at ${server}: ${(error as Error).message}`, 'check that sluice serve runs there and that the URL includes the port'));
    return ExitCode.runFailed;
  }
  const parsed = (await response.json().catch(() => ({}))) as T & { error?: { code: string; message: string; hint?: string } };
  if (!response.ok) {
    const error = parsed.error ?? { code: `HTTP ${response.status}`, message: response.statusText };
    io.stderr(formatCliError(error.code, error.message, error.hint));
    return ExitCode.invalidInput;
  }
  return parsed;
}

async function readStandardInput(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function printAdded(pipeline: Pipeline, io: CliIo): void {
  io.stdout(`Added pipeline ${pipeline.id} '${pipeline.name}': ${pipeline.repositoryUrl} (${pipeline.yamlPath}, branch ${pipeline.defaultBranch})\n`);
}

/** Makes an existing local path absolute; URLs and scp-style remotes stay as given. */
async function normaliseRepository(url: string, cwd: string): Promise<string> {
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/\s]+@[^:\s]+:/.test(url)) return url;
  const path = resolve(cwd, url);
  try {
    await access(path);
    return path;
  } catch {
    return url;
  }
}

function defaultName(repositoryUrl: string): string {
  const last = basename(repositoryUrl.replace(/[/\\]+$/, '').replace(/^[^/\s]+@[^:\s]+:/, ''));
  return last.replace(/\.git$/, '') || 'pipeline';
}
