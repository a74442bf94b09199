import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.js';
import { createTestRepository, startTestServer, waitForRunCompletion, type TestServer } from './server-test-helpers.js';

describe('server on PostgreSQL', () => {
  let cluster: PostgresCluster;
  const servers: TestServer[] = [];
  let databases = 0;

  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 60_000);
  afterAll(async () => {
    await cluster?.stop();
  });
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.cleanup();
  });

  async function start(): Promise<TestServer> {
    databases += 1;
    const databaseUrl = await cluster.createDatabase(`sluice_server_${databases}`);
    const server = await startTestServer({ databaseUrl, localAgent: true });
    servers.push(server);
    return server;
  }

  it('runs a pipeline with the store in PostgreSQL', async () => {
    const test = await start();
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': 'name: pg-$(Rev:r)\nsteps:\n- script: echo from-postgres\n' });
    const pipelineId = (await test.request('POST', '/api/pipelines', { name: 'pg', repositoryUrl: repo.path })).json().id as number;

    const run = await waitForRunCompletion(test, (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id);

    expect(run.result).toBe('succeeded');
    expect(run.runNumber).toBe('pg-1');
    const log = await test.request('GET', `/api/runs/${run.id}/logs/__default.Job.1?format=text`);
    expect(log.body).toContain('from-postgres');
    expect((await test.server.app.inject({ method: 'GET', url: '/healthz' })).json()).toEqual({ status: 'ok', dialect: 'postgres' });
  }, 60_000);

  it('rejects requests without a valid token', async () => {
    const test = await start();
    expect((await test.server.app.inject({ method: 'GET', url: '/api/runs' })).statusCode).toBe(401);
    expect((await test.request('GET', '/api/runs', undefined, 'sla_wrong')).statusCode).toBe(401);
    expect((await test.request('GET', '/api/runs')).statusCode).toBe(200);
  }, 60_000);

  it('re-runs failed jobs', async () => {
    const test = await start();
    const marker = join(test.root, 'fixed');
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': `steps:\n- script: test -f '${marker}'\n` });
    const pipelineId = (await test.request('POST', '/api/pipelines', { name: 'pg', repositoryUrl: repo.path })).json().id as number;
    const runId = (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id as number;
    expect((await waitForRunCompletion(test, runId)).result).toBe('failed');
    writeFileSync(marker, '');

    expect((await test.request('POST', `/api/runs/${runId}/rerun-failed-jobs`)).statusCode).toBe(200);
    expect((await waitForRunCompletion(test, runId)).result).toBe('succeeded');
  }, 60_000);
});
