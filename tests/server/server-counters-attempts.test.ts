import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestRepository, startTestServer, waitForRunCompletion, type TestRepository, type TestServer } from './server-test-helpers.js';

interface TimelineRecord {
  id: string;
  parentId?: string;
  type: string;
  attempt: number;
}

/** Returns a pipeline with counters at the pipeline, stage and job scopes, whose job fails until `marker` exists. */
function counterPipeline(major: number, marker: string): string {
  return [
    'variables:',
    `  major: ${major}`,
    "  build: $[counter(variables['major'], 100)]",
    'stages:',
    '- stage: S',
    '  variables:',
    "    stageCount: $[counter(format('stage-{0}', variables['major']), 0)]",
    '  jobs:',
    '  - job: J',
    '    variables:',
    "      jobCount: $[counter('job', 5)]",
    "      again: $[counter(variables['major'], 100)]",
    '    steps:',
    `    - script: echo "values $(build) $(stageCount) $(jobCount) $(again)"; test -f '${marker}'`,
    '',
  ].join('\n');
}

describe('server runs: counters and attempts', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.cleanup();
  });

  async function start(): Promise<TestServer> {
    const test = await startTestServer();
    servers.push(test);
    return test;
  }

  async function addPipeline(test: TestServer, yaml: string): Promise<{ pipelineId: number; repo: TestRepository }> {
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': yaml });
    const created = await test.request('POST', '/api/pipelines', { name: 'faults', repositoryUrl: repo.path });
    expect(created.statusCode, created.body).toBe(201);
    return { pipelineId: created.json().id as number, repo };
  }

  async function queue(test: TestServer, pipelineId: number): Promise<number> {
    const queued = await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {});
    expect(queued.statusCode, queued.body).toBe(201);
    return queued.json().id as number;
  }

  async function stepIds(test: TestServer, runId: number, jobId: string, attempt?: number): Promise<string[]> {
    const query = attempt === undefined ? '' : `?attempt=${attempt}`;
    const records = (await test.request('GET', `/api/runs/${runId}/timeline${query}`)).json().records as TimelineRecord[];
    return records.filter((record) => record.type === 'step' && record.parentId === jobId).map((record) => record.id);
  }

  async function jobLog(test: TestServer, runId: number, query = ''): Promise<string> {
    let text = '';
    for (const id of await stepIds(test, runId, 'S.J')) {
      const response = await test.request('GET', `/api/runs/${runId}/logs/${encodeURIComponent(id)}?format=text${query}`);
      expect(response.statusCode, response.body).toBe(200);
      text += response.body;
    }
    return text;
  }

  it('counter values per run and re-run', async () => {
    const test = await start();
    const marker = join(test.root, 'fixed');
    const { pipelineId, repo } = await addPipeline(test, counterPipeline(1, marker));

    // The first run fails, so its job runs again in attempt 2 with the same values.
    const first = await queue(test, pipelineId);
    expect((await waitForRunCompletion(test, first)).result).toBe('failed');
    expect(await jobLog(test, first)).toContain('values 100 0 5 100');

    writeFileSync(marker, '');
    const second = await queue(test, pipelineId);
    expect((await waitForRunCompletion(test, second)).result).toBe('succeeded');
    expect(await jobLog(test, second)).toContain('values 101 1 6 101');

    expect((await test.request('POST', `/api/runs/${first}/rerun-failed-jobs`)).statusCode).toBe(200);
    expect((await waitForRunCompletion(test, first)).result).toBe('succeeded');
    expect(await jobLog(test, first)).toContain('values 100 0 5 100');

    // A new prefix starts at its seed; 'job' keeps counting, because its prefix did not change.
    repo.commitFiles({ 'azure-pipelines.yml': counterPipeline(2, marker) });
    const third = await queue(test, pipelineId);
    expect((await waitForRunCompletion(test, third)).result).toBe('succeeded');
    expect(await jobLog(test, third)).toContain('values 100 0 7 100');

    // The re-run took no value: each prefix counted once per run.
    expect(await test.server.store.counters.current(pipelineId, 'counter', '1')).toBe(101);
    expect(await test.server.store.counters.current(pipelineId, 'counter', 'job')).toBe(7);
    expect(await test.server.store.counters.current(pipelineId, 'counter', 'stage-2')).toBe(0);
  }, 90_000);

  it('counter prefix from job outputs fails', async () => {
    const test = await start();
    const yaml = [
      'jobs:',
      '- job: A',
      '  steps:',
      "  - script: echo '##vso[task.setvariable variable=tag;isOutput=true]late'",
      '    name: out',
      '- job: B',
      '  dependsOn: A',
      '  variables:',
      "    n: $[counter(dependencies.A.outputs['out.tag'], 1)]",
      '  steps:',
      '  - script: echo "n is $(n)"',
      '',
    ].join('\n');
    const { pipelineId } = await addPipeline(test, yaml);
    const run = await waitForRunCompletion(test, await queue(test, pipelineId));

    expect(run.result).toBe('failed');
    const records = (await test.request('GET', `/api/runs/${run.id}/timeline`)).json().records as Array<TimelineRecord & { result?: string; issues?: Array<{ message: string }> }>;
    const jobB = records.find((record) => record.id === '__default.B');
    expect(jobB?.result).toBe('failed');
    expect(JSON.stringify(jobB)).toContain("counter prefix 'late' was not known when the run started");
  }, 60_000);

  it('log of each attempt by ?attempt=N', async () => {
    const test = await start();
    const marker = join(test.root, 'fixed');
    // Quoted apart, so the script text the log shows does not contain the words it prints.
    const script = `if [ -f '${marker}' ]; then echo "second""-try"; else echo "first""-try"; exit 1; fi`;
    const { pipelineId } = await addPipeline(test, `stages:\n- stage: S\n  jobs:\n  - job: J\n    steps:\n    - script: ${JSON.stringify(script)}\n`);
    const runId = await queue(test, pipelineId);
    expect((await waitForRunCompletion(test, runId)).result).toBe('failed');
    writeFileSync(marker, '');
    expect((await test.request('POST', `/api/runs/${runId}/rerun-failed-jobs`)).statusCode).toBe(200);
    expect((await waitForRunCompletion(test, runId)).result).toBe('succeeded');

    const latest = await jobLog(test, runId);
    expect(latest).toContain('second-try');
    expect(latest).not.toContain('first-try');
    expect(await jobLog(test, runId, '&attempt=2')).toBe(latest);
    const first = await jobLog(test, runId, '&attempt=1');
    expect(first).toContain('first-try');
    expect(first).not.toContain('second-try');

    const [stepId] = await stepIds(test, runId, 'S.J');
    const json = (await test.request('GET', `/api/runs/${runId}/logs/${encodeURIComponent(stepId!)}?attempt=1`)).json();
    expect(json.attempt).toBe(1);
    const missing = await test.request('GET', `/api/runs/${runId}/logs/${encodeURIComponent(stepId!)}?attempt=3`);
    expect(missing.statusCode).toBe(404);
    const invalid = await test.request('GET', `/api/runs/${runId}/logs/${encodeURIComponent(stepId!)}?attempt=zero`);
    expect(invalid.statusCode).toBe(400);
    const unknown = await test.request('GET', `/api/runs/${runId}/logs/S.J.no-such-step`);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('SRV003');

    const index = (await test.request('GET', `/api/runs/${runId}/logs?attempt=1`)).json().logs as Array<{ recordId: string; attempt: number }>;
    expect(index.find((entry) => entry.recordId === stepId)?.attempt).toBe(1);
    const latestIndex = (await test.request('GET', `/api/runs/${runId}/logs`)).json().logs as Array<{ recordId: string; attempt: number }>;
    expect(latestIndex.find((entry) => entry.recordId === stepId)?.attempt).toBe(2);
  }, 90_000);
});
