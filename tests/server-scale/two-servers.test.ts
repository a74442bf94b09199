import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.js';
import { createTestRepository } from '../server/server-test-helpers.js';
import { callApi, startAgent, startServe, stopProcess, waitFor, type ServeProcess, type SluiceProcess } from './sluice-processes.js';

/** Short leases so a killed server's runs are taken over within seconds. */
const LEASE_MS = 1500;

/**
 * Two `sluice serve` processes on one PostgreSQL database. Each has its own
 * --data folder (its own repository mirrors and run checkouts) but the same
 * server.key, and `files/` (the log chunk files) is a symlink to one shared
 * folder, so either process reads logs that the other wrote.
 */
describe('two servers on one PostgreSQL database', () => {
  let cluster: PostgresCluster;
  let root: string;
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
    for (const client of clients.splice(0)) await client.end();
    rmSync(root, { recursive: true, force: true });
  });

  interface Installation {
    a: ServeProcess;
    b: ServeProcess;
    adminToken: string;
    registrationToken: string;
    databaseUrl: string;
    sql(text: string, values?: unknown[]): Promise<any[]>;
  }

  async function startInstallation(): Promise<Installation> {
    root = mkdtempSync(join(tmpdir(), 'sluice-scale-'));
    databases += 1;
    const databaseUrl = await cluster.createDatabase(`sluice_scale_${databases}`);
    const key = `${randomBytes(32).toString('base64')}\n`;
    mkdirSync(join(root, 'shared-files'));
    for (const name of ['a', 'b']) {
      mkdirSync(join(root, name));
      writeFileSync(join(root, name, 'server.key'), key, { mode: 0o600 });
      symlinkSync(join(root, 'shared-files'), join(root, name, 'files'));
    }
    const env = { SLUICE_LEASE_MS: String(LEASE_MS) };
    // A starts first, so it creates the schema and prints the admin token.
    const a = await startServe({ dataDir: join(root, 'a'), databaseUrl, env });
    processes.push(a);
    const b = await startServe({ dataDir: join(root, 'b'), databaseUrl, env });
    processes.push(b);
    const adminToken = /Admin token[^:]*: (\S+)/.exec(a.stdout())?.[1];
    expect(adminToken, a.stdout()).toBeDefined();
    expect(b.stdout()).not.toContain('Admin token');

    const created = await callApi(b.baseUrl, adminToken!, 'POST', '/api/tokens', { kind: 'agentRegistration', name: 'scale agents' });
    expect(created.status).toBe(201);
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    clients.push(client);
    return {
      a,
      b,
      adminToken: adminToken!,
      registrationToken: created.body.token as string,
      databaseUrl,
      sql: async (text, values) => (await client.query(text, values)).rows,
    };
  }

  async function createPipeline(server: ServeProcess, token: string, yaml: string): Promise<number> {
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

  function messagesFor(server: ServeProcess, message: string, runId?: number): number {
    return server.logLines().filter((line) => line.msg === message && (runId === undefined || line.runId === runId)).length;
  }

  it('completes runs queued on either server', async () => {
    const setup = await startInstallation();
    processes.push(startAgent({ url: setup.a.baseUrl, token: setup.registrationToken, name: 'agent-a', root }));
    processes.push(startAgent({ url: setup.b.baseUrl, token: setup.registrationToken, name: 'agent-b', root }));
    const pipelineId = await createPipeline(setup.a, setup.adminToken, 'steps:\n- script: echo "hello from $(System.JobId)-scale"\n');

    const onA = await queueRun(setup.a, setup.adminToken, pipelineId);
    const onB = await queueRun(setup.b, setup.adminToken, pipelineId);
    expect((await waitForCompletion(setup.a, setup.adminToken, onA)).result).toBe('succeeded');
    expect((await waitForCompletion(setup.a, setup.adminToken, onB)).result).toBe('succeeded');

    // Each run was driven by the process that accepted it, and only by that one.
    // The server logs 'run completed' just after it stores the result, so the
    // API can report the run completed before that line reaches stdout.
    await waitFor(async () => (messagesFor(setup.a, 'run completed', onA) > 0 && messagesFor(setup.b, 'run completed', onB) > 0 ? true : undefined));
    expect(messagesFor(setup.a, 'run completed', onA)).toBe(1);
    expect(messagesFor(setup.b, 'run completed', onA)).toBe(0);
    expect(messagesFor(setup.b, 'run completed', onB)).toBe(1);
    expect(messagesFor(setup.a, 'run completed', onB)).toBe(0);

    // Either API serves the log of a run driven by the other process.
    for (const [server, runId] of [[setup.b, onA], [setup.a, onB]] as const) {
      const log = await callApi(server.baseUrl, setup.adminToken, 'GET', `/api/runs/${runId}/logs/__default.Job.1?format=text`);
      expect(log.status).toBe(200);
      expect(log.body).toMatch(/hello from .*-scale/);
    }
    expect(await setup.sql('select run_id from run_leases')).toEqual([]);
  }, 90_000);

  it('runs trigger loops in one server', async () => {
    const setup = await startInstallation();
    const leases = await setup.sql("select owner from server_leases where name = 'triggers'");
    expect(leases).toHaveLength(1);
    const leaders = [setup.a, setup.b].filter((server) => messagesFor(server, 'leader lease acquired') > 0);
    expect(leaders).toHaveLength(1);

    // After the leader stops, the other process takes the lease.
    const follower = leaders[0] === setup.a ? setup.b : setup.a;
    await stopProcess(leaders[0]!, 'SIGTERM');
    await waitFor(async () => (messagesFor(follower, 'leader lease acquired') > 0 ? true : undefined));
    expect(await setup.sql("select count(*)::int as count from server_leases where name = 'triggers'")).toEqual([{ count: 1 }]);
  }, 90_000);

  it('takes over the run of a killed server', async () => {
    const setup = await startInstallation();
    // The only agent talks to B, so it keeps reporting after A dies.
    processes.push(startAgent({ url: setup.b.baseUrl, token: setup.registrationToken, name: 'agent-b', root }));
    const marker = join(root, 'release-first-job');
    const yaml = [
      'jobs:',
      '- job: first',
      '  steps:',
      `  - script: while [ ! -f '${marker}' ]; do sleep 0.1; done; echo first-done`,
      '- job: second',
      '  dependsOn: first',
      '  steps:',
      '  - script: echo second-done',
      '',
    ].join('\n');
    const pipelineId = await createPipeline(setup.a, setup.adminToken, yaml);
    const runId = await queueRun(setup.a, setup.adminToken, pipelineId);

    await waitFor(async () => ((await setup.sql("select 1 from job_queue where run_id = $1 and record_id = '__default.first' and status = 'leased'", [runId])).length > 0 ? true : undefined));
    expect(await setup.sql('select owner from run_leases where run_id = $1', [runId])).toHaveLength(1);
    await stopProcess(setup.a, 'SIGKILL');
    writeFileSync(marker, '');

    const run = await waitForCompletion(setup.b, setup.adminToken, runId);
    expect(run.result).toBe('succeeded');
    expect(messagesFor(setup.b, 'run resumed after restart', runId)).toBe(1);
    const jobs = await setup.sql('select record_id, status from job_queue where run_id = $1 order by id', [runId]);
    expect(jobs).toEqual([
      { record_id: '__default.first', status: 'completed' },
      { record_id: '__default.second', status: 'completed' },
    ]);
    const records = (await callApi(setup.b.baseUrl, setup.adminToken, 'GET', `/api/runs/${runId}/timeline`)).body.records as Array<{ id: string; parentId?: string; type: string; result?: string }>;
    const jobResults = Object.fromEntries(records.filter((record) => record.type === 'job').map((record) => [record.id, record.result]));
    expect(jobResults).toEqual({ '__default.first': 'succeeded', '__default.second': 'succeeded' });
    const secondSteps = records.filter((record) => record.type === 'step' && record.parentId === '__default.second');
    expect(secondSteps.length, JSON.stringify(records)).toBeGreaterThan(0);
    let secondLog = '';
    for (const step of secondSteps) {
      secondLog += (await callApi(setup.b.baseUrl, setup.adminToken, 'GET', `/api/runs/${runId}/logs/${encodeURIComponent(step.id)}?format=text`)).body;
    }
    expect(secondLog).toContain('second-done');
    expect(existsSync(join(root, 'b', 'runs', String(runId)))).toBe(true);
  }, 120_000);
});
