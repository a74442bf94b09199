import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { gunzipSync } from 'node:zlib';
import { createTestRepository, startTestServer, waitForRunCompletion, type TestServer } from './server-test-helpers.js';
import { readServerSentEvents } from './sse-reader.js';

const SECRET = 'hunter2-very-secret-value';

const JUNIT = `<?xml version="1.0"?>
<testsuites><testsuite name="calc" tests="2" failures="0" time="0.3">
<testcase classname="calc" name="adds" time="0.1"/><testcase classname="calc" name="subtracts" time="0.2"/>
</testsuite></testsuites>
`;

const STAGED_PIPELINE = `name: ci-$(Build.SourceBranchName)-$(Rev:r)
variables:
  greeting: hello
stages:
- stage: Build
  jobs:
  - job: Compile
    steps:
    - script: |
        echo "$(greeting) from compile"
        for i in $(seq 1 30); do echo "line $i"; done
        echo "secret is $MY_SECRET"
        mkdir -p out && echo built > out/app.txt
      displayName: Compile
      env:
        MY_SECRET: $(mySecret)
    - publish: out
      artifact: app
    - task: PublishTestResults@2
      inputs:
        testResultsFiles: 'reports/TEST-*.xml'
        testRunTitle: Unit
- stage: Test
  jobs:
  - job: Check
    steps:
    - script: echo checked
`;

describe('server runs', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.cleanup();
  });
  async function start(): Promise<TestServer> {
    const server = await startTestServer();
    servers.push(server);
    return server;
  }

  async function addPipeline(test: TestServer, files: Record<string, string>, name = 'demo') {
    const repo = createTestRepository(test.root, files);
    const created = await test.request('POST', '/api/pipelines', { name, repositoryUrl: repo.path });
    expect(created.statusCode).toBe(201);
    return { repo, pipelineId: created.json().id as number };
  }

  it('runs a pipeline of a git repository to completion', async () => {
    const test = await start();
    const { pipelineId } = await addPipeline(test, { 'azure-pipelines.yml': STAGED_PIPELINE, 'reports/TEST-calc.xml': JUNIT });

    const queued = await test.request('POST', `/api/pipelines/${pipelineId}/runs`, { variables: { mySecret: { value: SECRET, isSecret: true } } });
    expect(queued.statusCode).toBe(201);
    expect(queued.json().variables.mySecret).toEqual({ value: '***', isSecret: true });
    const run = await waitForRunCompletion(test, queued.json().id);

    expect(run.result).toBe('succeeded');
    expect(run.runNumber).toBe('ci-main-1');
    const timeline = (await test.request('GET', `/api/runs/${run.id}/timeline`)).json().records as Array<{ id: string; type: string; result?: string; agentName?: string }>;
    const byId = new Map(timeline.map((record) => [record.id, record]));
    expect(byId.get('Build')?.result).toBe('succeeded');
    expect(byId.get('Test')?.result).toBe('succeeded');
    expect(byId.get('Build.Compile')?.result).toBe('succeeded');
    expect(byId.get('Build.Compile')?.agentName).toBe('sluice-local');
    expect(byId.get('Test.Check')?.result).toBe('succeeded');
    expect(timeline.filter((record) => record.type === 'step').length).toBeGreaterThanOrEqual(5);

    const log = (await test.request('GET', `/api/runs/${run.id}/logs/Build.Compile.1`)).json();
    const texts = (log.lines as Array<{ text: string }>).map((line) => line.text);
    expect(texts).toContain('hello from compile');
    expect(texts).toContain('line 30');
    expect(texts).toContain('secret is ***');
    expect(texts.join('\n')).not.toContain(SECRET);

    const testRuns = (await test.request('GET', `/api/runs/${run.id}/test-results`)).json();
    expect(testRuns.totals).toMatchObject({ total: 2, passed: 2, failed: 0 });
    expect(testRuns.testRuns[0].title).toBe('Unit');

    const artifacts = (await test.request('GET', `/api/runs/${run.id}/artifacts`)).json().artifacts;
    expect(artifacts.map((artifact: { name: string }) => artifact.name)).toEqual(['app']);
    const file = await test.request('GET', `/api/runs/${run.id}/artifacts/app/file?path=app.txt`);
    expect(file.statusCode).toBe(200);
    expect(file.body).toBe('built\n');
    const archive = await test.server.app.inject({ method: 'GET', url: `/api/runs/${run.id}/artifacts/app/download`, headers: { authorization: `Bearer ${test.adminToken}` } });
    expect(archive.statusCode).toBe(200);
    expect(gunzipSync(archive.rawPayload).toString('latin1')).toContain('app/app.txt');
  }, 60_000);

  it('never stores a secret queue-time value in clear', async () => {
    const test = await start();
    const { pipelineId } = await addPipeline(test, { 'azure-pipelines.yml': 'steps:\n- script: echo "value $(mySecret)"\n' });
    const queued = await test.request('POST', `/api/pipelines/${pipelineId}/runs`, { variables: { mySecret: { value: SECRET, isSecret: true } } });
    const run = await waitForRunCompletion(test, queued.json().id);
    expect(run.result).toBe('succeeded');

    const log = (await test.request('GET', `/api/runs/${run.id}/logs/__default.Job.1?format=text`)).body;
    expect(log).toContain('value ***');
    for (const file of filesUnder(test.dataDir)) {
      expect(readFileSync(file).includes(SECRET), file).toBe(false);
    }
  }, 60_000);

  it('numbers runs by the name format', async () => {
    const test = await start();
    const { pipelineId } = await addPipeline(test, { 'azure-pipelines.yml': 'name: build-$(Rev:r)\nsteps:\n- script: echo numbered\n' });
    const first = await waitForRunCompletion(test, (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id);
    const second = await waitForRunCompletion(test, (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id);
    expect(first.runNumber).toBe('build-1');
    expect(second.runNumber).toBe('build-2');
  }, 60_000);

  it('reads the YAML at the requested commit', async () => {
    const test = await start();
    const { repo, pipelineId } = await addPipeline(test, { 'azure-pipelines.yml': 'steps:\n- script: echo version-A\n' });
    const commitA = repo.commit;
    repo.commitFiles({ 'azure-pipelines.yml': 'steps:\n- script: echo version-B\n' });

    const atA = await waitForRunCompletion(test, (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, { commit: commitA })).json().id);
    const atHead = await waitForRunCompletion(test, (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id);

    expect(atA.trigger.commit).toBe(commitA);
    expect((await test.request('GET', `/api/runs/${atA.id}/logs/__default.Job.1?format=text`)).body).toContain('version-A');
    expect((await test.request('GET', `/api/runs/${atHead.id}/logs/__default.Job.1?format=text`)).body).toContain('version-B');
  }, 60_000);

  it('serves a log by line range', async () => {
    const test = await start();
    const { pipelineId } = await addPipeline(test, { 'azure-pipelines.yml': 'steps:\n- script: for i in 1 2 3 4 5 6; do echo "row $i"; done\n' });
    const run = await waitForRunCompletion(test, (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id);

    const whole = (await test.request('GET', `/api/runs/${run.id}/logs/__default.Job.1`)).json();
    const rowLine = (whole.lines as Array<{ lineNumber: number; text: string }>).find((line) => line.text === 'row 2')!.lineNumber;
    const range = (await test.request('GET', `/api/runs/${run.id}/logs/__default.Job.1?from=${rowLine}&to=${rowLine + 2}`)).json();
    expect(range.lines.map((line: { text: string }) => line.text)).toEqual(['row 2', 'row 3', 'row 4']);
    expect(range.lineCount).toBe(whole.lineCount);

    const index = (await test.request('GET', `/api/runs/${run.id}/logs`)).json().logs as Array<{ recordId: string; lineCount: number }>;
    expect(index.find((entry) => entry.recordId === '__default.Job.1')?.lineCount).toBe(whole.lineCount);
  }, 60_000);

  it('streams a log live as server-sent events', async () => {
    const test = await start();
    const marker = join(test.root, 'go-on');
    const { pipelineId } = await addPipeline(test, {
      'azure-pipelines.yml': `steps:\n- script: |\n    echo first-line\n    while [ ! -f '${marker}' ]; do sleep 0.05; done\n    echo second-line\n`,
    });
    const address = await test.server.listen();
    const runId = (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id as number;

    const response = await fetch(`${address}/api/runs/${runId}/logs/__default.Job.1/stream`, { headers: { authorization: `Bearer ${test.adminToken}` } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const texts: string[] = [];
    let ended = false;
    for await (const message of readServerSentEvents(response)) {
      if (message.event === 'end') {
        ended = true;
        break;
      }
      const text = (message.data as { text: string }).text;
      texts.push(text);
      // The second line can only exist after the test saw the first one live.
      if (text === 'first-line') writeFileSync(marker, '');
    }
    expect(ended).toBe(true);
    expect(texts).toContain('first-line');
    expect(texts.indexOf('second-line')).toBeGreaterThan(texts.indexOf('first-line'));
    expect((await waitForRunCompletion(test, runId)).result).toBe('succeeded');
  }, 60_000);

  it('fails a run whose YAML is invalid, with the position', async () => {
    const test = await start();
    const { pipelineId } = await addPipeline(test, { 'azure-pipelines.yml': 'steps:\n- script: echo hi\n  bogusKey: 1\n' });
    const run = await waitForRunCompletion(test, (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id);
    expect(run.result).toBe('failed');
    expect(run.reason).toMatch(/azure-pipelines\.yml:3:\d+: /);
  }, 60_000);

  it('rejects an unknown branch with SRV006', async () => {
    const test = await start();
    const { pipelineId } = await addPipeline(test, { 'azure-pipelines.yml': 'steps:\n- script: echo hi\n' });
    const response = await test.request('POST', `/api/pipelines/${pipelineId}/runs`, { branch: 'no-such-branch' });
    expect(response.statusCode).toBe(422);
    expect(response.json().error.code).toBe('SRV006');
    expect(response.json().error.message).toContain("'no-such-branch'");
  });

  it('rejects a run of an unknown pipeline with SRV003', async () => {
    const test = await start();
    const response = await test.request('POST', '/api/pipelines/99/runs', {});
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('SRV003');
  });

  it('lists runs newest first and filters by pipeline', async () => {
    const test = await start();
    const { pipelineId } = await addPipeline(test, { 'azure-pipelines.yml': 'steps:\n- script: echo hi\n' });
    const first = (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id as number;
    const second = (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id as number;
    await waitForRunCompletion(test, first);
    await waitForRunCompletion(test, second);
    const listed = (await test.request('GET', `/api/runs?pipelineId=${pipelineId}`)).json().runs.map((run: { id: number }) => run.id);
    expect(listed).toEqual([second, first]);
    expect((await test.request('GET', '/api/runs?status=bogus')).statusCode).toBe(400);
  }, 60_000);

  it('publishes job counts and durations on /metrics', async () => {
    const test = await start();
    const { pipelineId } = await addPipeline(test, { 'azure-pipelines.yml': 'steps:\n- script: echo measured\n' });
    await waitForRunCompletion(test, (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id);

    const response = await test.request('GET', '/metrics');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toContain('text/plain; version=0.0.4');
    const text = response.body;
    expect(text).toContain('# TYPE sluice_jobs_queued gauge\nsluice_jobs_queued 0\n');
    expect(text).toContain('sluice_jobs_running 0\n');
    expect(text).toMatch(/^sluice_agents_online\{pool="Default"\} 1$/m);
    expect(text).toContain('sluice_job_wait_seconds_count 1\n');
    expect(text).toContain('sluice_job_run_seconds_bucket{le="+Inf"} 1\n');
    expect(text).toContain('sluice_runs_finished_total{result="succeeded"} 1\n');
    expect(text).toMatch(/^sluice_log_bytes [1-9]\d*$/m);
    for (const line of text.trimEnd().split('\n')) {
      expect(line, line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{\w+="[^"]*"\})? -?[\d.e+]+)$/);
    }
  }, 60_000);
});

function filesUnder(folder: string): string[] {
  if (!existsSync(folder)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(folder)) {
    const path = join(folder, entry);
    const stats = statSync(path);
    if (stats.isDirectory()) files.push(...filesUnder(path));
    else files.push(path);
  }
  return files;
}

