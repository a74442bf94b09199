import { access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { CliErrorCodes } from '../cli-error-codes.js';
import { formatCliError } from '../cli-error-message.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { openStore } from '../../store/open-store.js';
import type { Pipeline, PipelineInput } from '../../store/pipeline-repository.js';
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
  let response: Response;
  try {
    response = await fetch(new URL('/api/pipelines', server), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(input),
    });
  } catch (error) {
    io.stderr(formatCliError(CliErrorCodes.serverUnreachable, `cannot reach the server at ${server}: ${(error as Error).message}`, 'check that sluice serve runs there and that the URL includes the port'));
    return ExitCode.runFailed;
  }
  const body = (await response.json().catch(() => ({}))) as Pipeline & { error?: { code: string; message: string; hint?: string } };
  if (!response.ok) {
    const error = body.error ?? { code: `HTTP ${response.status}`, message: response.statusText };
    io.stderr(formatCliError(error.code, error.message, error.hint));
    return ExitCode.invalidInput;
  }
  printAdded(body, io);
  return ExitCode.success;
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
