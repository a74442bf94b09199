import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.js';
import { createTestRepository } from '../server/server-test-helpers.js';
import { callApi, startServe, stopProcess, waitFor, type ServeProcess, type SluiceProcess } from './sluice-processes.js';

/** Two `sluice serve` processes on one fresh PostgreSQL database. */
export interface TwoServerInstallation {
  a: ServeProcess;
  b: ServeProcess;
  /** The temp folder of this installation: `a/`, `b/`, `shared-files/` and test repositories. */
  root: string;
  adminToken: string;
  registrationToken: string;
  databaseUrl: string;
  sql(text: string, values?: unknown[]): Promise<any[]>;
}

/** The test side of a two-server harness: start an installation, track processes, call the API. */
export interface TwoServerHarness {
  start(): Promise<TwoServerInstallation>;
  /** Processes stopped with SIGKILL after each test, newest first. */
  processes: SluiceProcess[];
  createPipeline(server: ServeProcess, token: string, yaml: string): Promise<number>;
  queueRun(server: ServeProcess, token: string, pipelineId: number): Promise<number>;
  waitForCompletion(server: ServeProcess, token: string, runId: number): Promise<any>;
}

/**
 * Registers the hooks of a describe block whose tests run two `sluice serve`
 * processes on one PostgreSQL database. Each process has its own --data folder
 * but the same server.key, and `files/` (log chunks and artifact stores) is a
 * symlink to one shared folder, so either process serves what the other wrote.
 * Leases last `leaseMs`, so a stopped server's runs are taken over within seconds.
 */
export function useTwoServers(options: { name: string; leaseMs: number }): TwoServerHarness {
  let cluster: PostgresCluster;
  let root: string | undefined;
  let databases = 0;
  const processes: SluiceProcess[] = [];
  const clients: pg.Client[] = [];

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    for (const process of processes.splice(0).reverse()) await stopProcess(process, 'SIGKILL');
    // Steps of a SIGKILLed agent outlive it; a step that waits for a marker file would loop forever once the folder is gone.
    if (root !== undefined) killProcessesMentioning(root);
    for (const client of clients.splice(0)) await client.end();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
    root = undefined;
  });

  async function start(): Promise<TwoServerInstallation> {
    const folder = mkdtempSync(join(tmpdir(), `sluice-${options.name}-`));
    root = folder;
    databases += 1;
    const databaseUrl = await cluster.createDatabase(`sluice_${options.name}_${databases}`);
    const key = `${randomBytes(32).toString('base64')}\n`;
    mkdirSync(join(folder, 'shared-files'));
    for (const name of ['a', 'b']) {
      mkdirSync(join(folder, name));
      writeFileSync(join(folder, name, 'server.key'), key, { mode: 0o600 });
      symlinkSync(join(folder, 'shared-files'), join(folder, name, 'files'));
    }
    const env = { SLUICE_LEASE_MS: String(options.leaseMs) };
    // A starts first, so it creates the schema and prints the admin token.
    const a = await startServe({ dataDir: join(folder, 'a'), databaseUrl, env });
    processes.push(a);
    const b = await startServe({ dataDir: join(folder, 'b'), databaseUrl, env });
    processes.push(b);
    const adminToken = /Admin token[^:]*: (\S+)/.exec(a.stdout())?.[1];
    expect(adminToken, a.stdout()).toBeDefined();
    expect(b.stdout()).not.toContain('Admin token');

    const created = await callApi(b.baseUrl, adminToken!, 'POST', '/api/tokens', { kind: 'agentRegistration', name: `${options.name} agents` });
    expect(created.status).toBe(201);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    clients.push(client);
    return {
      a,
      b,
      root: folder,
      adminToken: adminToken!,
      registrationToken: created.body.token as string,
      databaseUrl,
      sql: async (text, values) => (await client.query(text, values)).rows,
    };
  }

  async function createPipeline(server: ServeProcess, token: string, yaml: string): Promise<number> {
    if (root === undefined) throw new Error('start the installation before creating a pipeline');
    const repo = createTestRepository(mkdtempSync(join(root, 'repo-')), { 'azure-pipelines.yml': yaml });
    const response = await callApi(server.baseUrl, token, 'POST', '/api/pipelines', { name: `p-${randomBytes(3).toString('hex')}`, repositoryUrl: repo.path });
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id as number;
  }

  async function queueRun(server: ServeProcess, token: string, pipelineId: number): Promise<number> {
    const response = await callApi(server.baseUrl, token, 'POST', `/api/pipelines/${pipelineId}/runs`, {});
    expect(response.status, JSON.stringify(response.body)).toBe(201);
    return response.body.id as number;
  }

  async function waitForCompletion(server: ServeProcess, token: string, runId: number): Promise<any> {
    return waitFor(async () => {
      const run = (await callApi(server.baseUrl, token, 'GET', `/api/runs/${runId}`)).body;
      return run.status === 'completed' ? run : undefined;
    });
  }

  return { start, processes, createPipeline, queueRun, waitForCompletion };
}

/** Sends SIGKILL to every process whose command line contains `text`, such as a test's temp folder. */
function killProcessesMentioning(text: string): void {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    let commandLine = '';
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
    } catch {
      continue; // The process ended while the list was read.
    }
    if (!commandLine.includes(text)) continue;
    try {
      process.kill(Number(entry), 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}

/** Counts the server's JSON log lines with this message, of one run when `runId` is given. */
export function messagesFor(server: ServeProcess, message: string, runId?: number): number {
  return server.logLines().filter((line) => line.msg === message && (runId === undefined || line.runId === runId)).length;
}

/** Waits until the server has logged this message for the run. */
export async function logged(server: ServeProcess, message: string, runId: number): Promise<void> {
  await waitFor(async () => (messagesFor(server, message, runId) > 0 ? true : undefined));
}
