import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestRepository, startTestServer, waitForRunCompletion, waitUntil, type TestServer } from './server-test-helpers.js';

interface TimelineRecord {
  id: string;
  type: string;
  state: string;
  result?: string;
  attempt: number;
}

describe('server cancel and re-run', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.cleanup();
  });

  async function queue(test: TestServer, yaml: string): Promise<number> {
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': yaml });
    const pipelineId = (await test.request('POST', '/api/pipelines', { name: 'demo', repositoryUrl: repo.path })).json().id as number;
    const queued = await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {});
    expect(queued.statusCode).toBe(201);
    return queued.json().id as number;
  }

  async function timeline(test: TestServer, runId: number): Promise<Map<string, TimelineRecord>> {
    const records = (await test.request('GET', `/api/runs/${runId}/timeline`)).json().records as TimelineRecord[];
    return new Map(records.map((record) => [record.id, record]));
  }

  it('cancels a running job and the jobs after it', async () => {
    const test = await startTestServer();
    servers.push(test);
    const started = join(test.root, 'started');
    const runId = await queue(
      test,
      `jobs:\n- job: Slow\n  steps:\n  - script: touch '${started}'; sleep 60\n- job: After\n  dependsOn: Slow\n  steps:\n  - script: echo never\n`,
    );
    await waitUntil(async () => (existsSync(started) ? true : undefined));

    const canceled = await test.request('POST', `/api/runs/${runId}/cancel`);
    expect(canceled.statusCode).toBe(200);
    expect(canceled.json().status).toBe('cancelling');
    const run = await waitForRunCompletion(test, runId);

    expect(run.result).toBe('canceled');
    expect(run.reason).toBe('the run was canceled');
    const records = await timeline(test, runId);
    expect(records.get('__default.Slow')?.result).toBe('canceled');
    expect(records.get('__default.After')?.result).not.toBe('succeeded');
    const again = await test.request('POST', `/api/runs/${runId}/cancel`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SRV008');
  }, 60_000);

  it('withdraws queued jobs when a run is canceled', async () => {
    const test = await startTestServer({ localAgent: false });
    servers.push(test);
    const runId = await queue(test, 'steps:\n- script: echo waiting for an agent\n');
    await waitUntil(async () => ((await test.server.store.jobs.list({ runId })).length > 0 ? true : undefined));

    await test.request('POST', `/api/runs/${runId}/cancel`);
    const run = await waitForRunCompletion(test, runId);

    expect(run.result).toBe('canceled');
    const jobs = await test.server.store.jobs.list({ runId });
    expect(jobs.map((job) => job.status)).toEqual(['canceled']);
  }, 60_000);

  it('re-runs only the failed jobs of a run', async () => {
    const test = await startTestServer();
    servers.push(test);
    const counter = join(test.root, 'good-runs');
    const marker = join(test.root, 'fixed');
    const runId = await queue(
      test,
      [
        'jobs:',
        '- job: Good',
        '  steps:',
        `  - script: echo ran >> '${counter}'`,
        '- job: Flaky',
        '  steps:',
        `  - script: test -f '${marker}'`,
        '- job: Later',
        '  dependsOn: [Good, Flaky]',
        '  steps:',
        '  - script: echo later',
        '',
      ].join('\n'),
    );
    const failed = await waitForRunCompletion(test, runId);
    expect(failed.result).toBe('failed');
    expect(failed.reason).toContain('__default.Flaky failed');
    const first = await timeline(test, runId);
    expect(first.get('__default.Later')?.result).toBe('skipped');

    writeFileSync(marker, '');
    const rerun = await test.request('POST', `/api/runs/${runId}/rerun-failed-jobs`);
    expect(rerun.statusCode).toBe(200);
    const passed = await waitForRunCompletion(test, runId);

    expect(passed.result).toBe('succeeded');
    const second = await timeline(test, runId);
    expect(second.get('__default.Good')).toMatchObject({ result: 'succeeded', attempt: 1 });
    expect(second.get('__default.Flaky')).toMatchObject({ result: 'succeeded', attempt: 2 });
    expect(second.get('__default.Later')).toMatchObject({ result: 'succeeded', attempt: 2 });
    expect(readFileSync(counter, 'utf8')).toBe('ran\n');
    const firstAttempt = (await test.request('GET', `/api/runs/${runId}/timeline?attempt=1`)).json().records as TimelineRecord[];
    expect(firstAttempt.find((record) => record.id === '__default.Flaky')?.result).toBe('failed');
  }, 60_000);

  it('refuses to re-run a run that succeeded', async () => {
    const test = await startTestServer();
    servers.push(test);
    const runId = await queue(test, 'steps:\n- script: echo fine\n');
    await waitForRunCompletion(test, runId);
    const response = await test.request('POST', `/api/runs/${runId}/rerun-failed-jobs`);
    expect(response.statusCode).toBe(409);
    expect(response.json().error.code).toBe('SRV008');
  }, 60_000);
});
