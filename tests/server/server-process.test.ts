import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/open-store.js';
import { createTestRepository, waitUntil } from './server-test-helpers.js';
import { bundleServeEntry, callApi, startServeProcess, type ServeProcess } from './serve-process.js';

describe('sluice serve process', () => {
  let bundle: string;
  let root: string;
  const processes: ServeProcess[] = [];

  beforeAll(async () => {
    bundle = await bundleServeEntry();
  });
  afterAll(() => rmSync(bundle, { force: true }));
  afterEach(async () => {
    for (const server of processes.splice(0)) {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
      await server.exited;
    }
    // Releasing any step still waiting lets orphaned step processes of a killed server end.
    writeFileSync(join(root, 'release'), '');
    rmSync(root, { recursive: true, force: true });
  });

  async function start(dataDir: string): Promise<ServeProcess> {
    const server = await startServeProcess(bundle, dataDir);
    processes.push(server);
    return server;
  }

  async function queueRun(server: ServeProcess, token: string, yaml: string): Promise<number> {
    const repo = createTestRepository(root, { 'azure-pipelines.yml': yaml });
    const pipeline = await callApi(server, token, 'POST', '/api/pipelines', { name: 'demo', repositoryUrl: repo.path });
    expect(pipeline.status).toBe(201);
    const run = await callApi(server, token, 'POST', `/api/pipelines/${pipeline.body.id}/runs`, {});
    expect(run.status).toBe(201);
    return run.body.id as number;
  }

  async function waitForResult(server: ServeProcess, token: string, runId: number): Promise<{ result: string; status: string }> {
    return waitUntil(async () => {
      const run = await callApi(server, token, 'GET', `/api/runs/${runId}`);
      return run.body.status === 'completed' ? run.body : undefined;
    });
  }

  it('lets a running job report on SIGTERM, then exits 0', async () => {
    root = mkdtempSync(join(tmpdir(), 'sluice-serve-'));
    const dataDir = join(root, 'data');
    const started = join(root, 'started');
    const release = join(root, 'release');
    const first = await start(dataDir);
    const token = first.adminToken!;
    expect(token).toMatch(/^sla_/);
    const runId = await queueRun(first, token, `steps:\n- script: |\n    touch '${started}'\n    while [ ! -f '${release}' ]; do sleep 0.05; done\n    echo finished-after-sigterm\n`);
    await waitUntil(async () => (existsSync(started) ? true : undefined));

    first.child.kill('SIGTERM');
    await first.waitForOutput('"msg":"server shutting down"');
    writeFileSync(release, '');
    expect(await first.exited).toBe(0);

    const logLines = first.stdout().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; runId?: number });
    const messages = logLines.map((line) => line.msg);
    expect(messages.indexOf('job completed')).toBeGreaterThan(messages.indexOf('server shutting down'));
    expect(messages.indexOf('server stopped')).toBeGreaterThan(messages.indexOf('job completed'));
    expect(logLines.find((line) => line.msg === 'job completed')?.runId).toBe(runId);
    // The admin token is printed once, on its own line, and never in a log record.
    expect(first.stdout().split(token).length).toBe(2);
    expect(logLines.some((line) => JSON.stringify(line).includes(token))).toBe(false);

    const store = await openStore({ url: `sqlite:${join(dataDir, 'sluice.db')}`, dataDir: join(dataDir, 'files') });
    try {
      const jobs = await store.jobs.list({ runId });
      expect(jobs.map((job) => [job.status, job.result])).toEqual([['completed', 'succeeded']]);
    } finally {
      await store.close();
    }

    const second = await start(dataDir);
    expect(second.adminToken).toBeUndefined();
    const run = await waitForResult(second, token, runId);
    expect(run.result).toBe('succeeded');
  }, 90_000);

  it('completes a run after the server was killed mid-run', async () => {
    root = mkdtempSync(join(tmpdir(), 'sluice-serve-'));
    const dataDir = join(root, 'data');
    const firstCounter = join(root, 'first-job-runs');
    const secondCounter = join(root, 'second-job-runs');
    const started = join(root, 'started');
    const release = join(root, 'release');
    const first = await start(dataDir);
    const token = first.adminToken!;
    const runId = await queueRun(
      first,
      token,
      [
        'jobs:',
        '- job: First',
        '  steps:',
        `  - script: echo ran >> '${firstCounter}'`,
        '- job: Second',
        '  dependsOn: First',
        '  steps:',
        '  - script: |',
        `      echo ran >> '${secondCounter}'`,
        `      touch '${started}'`,
        `      while [ ! -f '${release}' ]; do sleep 0.05; done`,
        '',
      ].join('\n'),
    );
    await waitUntil(async () => (existsSync(started) ? true : undefined));

    first.child.kill('SIGKILL');
    await first.exited;
    writeFileSync(release, '');

    const second = await start(dataDir);
    const run = await waitForResult(second, token, runId);
    expect(run.result).toBe('succeeded');
    expect(readFileSync(firstCounter, 'utf8')).toBe('ran\n');
    expect(readFileSync(secondCounter, 'utf8')).toBe('ran\nran\n');
    const timeline = await callApi(second, token, 'GET', `/api/runs/${runId}/timeline`);
    const results = Object.fromEntries((timeline.body.records as Array<{ id: string; result?: string }>).map((record) => [record.id, record.result]));
    expect(results['__default.First']).toBe('succeeded');
    expect(results['__default.Second']).toBe('succeeded');
    expect(second.stdout()).toContain('"msg":"run resumed after restart"');
  }, 90_000);
});
