import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { callApi, startAgent, waitFor } from './sluice-processes.js';
import { logged, messagesFor, useTwoServers } from './two-server-installation.js';

/** Short leases so a stalled server loses its runs within seconds. */
const LEASE_MS = 1500;

/**
 * Faults of two `sluice serve` processes on one PostgreSQL database, set up by
 * useTwoServers: own --data folders, one server.key, and one shared `files/`.
 */
describe('two servers: stalls and artifacts', () => {
  const servers = useTwoServers({ name: 'faults', leaseMs: LEASE_MS });

  it('stalled server abandons a taken-over run', async () => {
    const setup = await servers.start();
    // The only agent talks to B, so jobs go on while A is stopped.
    servers.processes.push(startAgent({ url: setup.b.baseUrl, token: setup.registrationToken, name: 'agent-b', root: setup.root }));
    const marker = join(setup.root, 'release-first-job');
    // Each step appends a line when it starts, so a step started twice shows in its file.
    const starts = { first: join(setup.root, 'starts-first'), second: join(setup.root, 'starts-second') };
    const yaml = [
      'jobs:',
      '- job: first',
      '  steps:',
      `  - script: echo started >> '${starts.first}'; while [ ! -f '${marker}' ]; do sleep 0.1; done; echo first-done`,
      '- job: second',
      '  dependsOn: first',
      '  steps:',
      `  - script: echo started >> '${starts.second}'; echo second-done`,
      '',
    ].join('\n');
    const pipelineId = await servers.createPipeline(setup.a, setup.adminToken, yaml);
    const runId = await servers.queueRun(setup.a, setup.adminToken, pipelineId);
    await waitFor(async () => ((await setup.sql("select 1 from job_queue where run_id = $1 and record_id = '__default.first' and status = 'leased'", [runId])).length > 0 ? true : undefined));

    // A stalls past its lease and B takes the run over. Then A wakes up while the run still goes on.
    setup.a.child.kill('SIGSTOP');
    await logged(setup.b, 'run resumed after restart', runId);
    setup.a.child.kill('SIGCONT');
    await logged(setup.a, 'run abandoned: another server process drives it now', runId);
    writeFileSync(marker, '');

    const run = await servers.waitForCompletion(setup.b, setup.adminToken, runId);
    expect(run.result).toBe('succeeded');
    await logged(setup.b, 'run completed', runId);
    await logged(setup.a, 'run left to the server process that took it over', runId);
    expect(messagesFor(setup.b, 'run completed', runId)).toBe(1);
    expect(messagesFor(setup.a, 'run completed', runId)).toBe(0);
    expect(messagesFor(setup.a, 'run failed in the server', runId)).toBe(0);

    // One set of results: each job queued once, each record stored once for attempt 1.
    const jobs = await setup.sql('select record_id, status from job_queue where run_id = $1 order by id', [runId]);
    expect(jobs).toEqual([
      { record_id: '__default.first', status: 'completed' },
      { record_id: '__default.second', status: 'completed' },
    ]);
    const records = await setup.sql("select record_id, attempt, result from timeline_records where run_id = $1 and type = 'job' order by record_id", [runId]);
    expect(records).toEqual([
      { record_id: '__default.first', attempt: 1, result: 'succeeded' },
      { record_id: '__default.second', attempt: 1, result: 'succeeded' },
    ]);
    const runs = await setup.sql('select status, result from runs where id = $1', [runId]);
    expect(runs).toEqual([{ status: 'completed', result: 'succeeded' }]);
    expect(readFileSync(starts.first, 'utf8')).toBe('started\n');
    expect(readFileSync(starts.second, 'utf8')).toBe('started\n');
    // B released its lease when it finished; A deleted nothing that was B's while B drove.
    await waitFor(async () => ((await setup.sql('select 1 from run_leases where run_id = $1', [runId])).length === 0 ? true : undefined));
  }, 120_000);

  it('artifacts served by either server', async () => {
    const setup = await servers.start();
    // The run is driven by A; its agent uploads through B.
    servers.processes.push(startAgent({ url: setup.b.baseUrl, token: setup.registrationToken, name: 'agent-b', root: setup.root }));
    const yaml = ['steps:', '- script: mkdir -p out && echo built-by-a > out/app.txt', '- publish: out', '  artifact: app', ''].join('\n');
    const pipelineId = await servers.createPipeline(setup.a, setup.adminToken, yaml);
    const runId = await servers.queueRun(setup.a, setup.adminToken, pipelineId);
    expect((await servers.waitForCompletion(setup.a, setup.adminToken, runId)).result).toBe('succeeded');
    await logged(setup.a, 'run completed', runId);
    expect(messagesFor(setup.b, 'run completed', runId)).toBe(0);

    for (const server of [setup.a, setup.b]) {
      const list = await callApi(server.baseUrl, setup.adminToken, 'GET', `/api/runs/${runId}/artifacts`);
      expect(list.body.artifacts.map((artifact: { name: string }) => artifact.name)).toEqual(['app']);
      const files = await callApi(server.baseUrl, setup.adminToken, 'GET', `/api/runs/${runId}/artifacts/app`);
      expect(files.status, JSON.stringify(files.body)).toBe(200);
      expect(files.body.entries.map((entry: { path: string }) => entry.path)).toContain('app.txt');
      const file = await callApi(server.baseUrl, setup.adminToken, 'GET', `/api/runs/${runId}/artifacts/app/file?path=app.txt`);
      expect(file.status).toBe(200);
      expect(file.body).toBe('built-by-a\n');
      const archive = await fetch(`${server.baseUrl}/api/runs/${runId}/artifacts/app/download`, { headers: { authorization: `Bearer ${setup.adminToken}` } });
      expect(archive.status).toBe(200);
      expect(gunzipSync(Buffer.from(await archive.arrayBuffer())).toString('latin1')).toContain('built-by-a');
    }
    // The content is in the shared folder, not in either server's own run folder.
    expect(existsSync(join(setup.root, 'shared-files', 'artifacts', String(runId), 'artifacts', 'app.json'))).toBe(true);
    expect(existsSync(join(setup.root, 'a', 'runs', String(runId), 'work', 'artifacts', 'artifacts', 'app.json'))).toBe(false);
  }, 120_000);
});
