import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { callApi, startAgent, stopProcess, waitFor } from './sluice-processes.js';
import { messagesFor, useTwoServers } from './two-server-installation.js';

/** Short leases so a killed server's runs are taken over within seconds. */
const LEASE_MS = 1500;

/**
 * Two `sluice serve` processes on one PostgreSQL database. Each has its own
 * --data folder (its own repository mirrors and run checkouts) but the same
 * server.key, and `files/` (log chunks and artifact stores) is a symlink to one shared
 * folder, so either process reads logs that the other wrote.
 */
describe('two servers on one PostgreSQL database', () => {
  const servers = useTwoServers({ name: 'scale', leaseMs: LEASE_MS });

  it('completes runs queued on either server', async () => {
    const setup = await servers.start();
    servers.processes.push(startAgent({ url: setup.a.baseUrl, token: setup.registrationToken, name: 'agent-a', root: setup.root }));
    servers.processes.push(startAgent({ url: setup.b.baseUrl, token: setup.registrationToken, name: 'agent-b', root: setup.root }));
    const pipelineId = await servers.createPipeline(setup.a, setup.adminToken, 'steps:\n- script: echo "hello from $(System.JobId)-scale"\n');

    const onA = await servers.queueRun(setup.a, setup.adminToken, pipelineId);
    const onB = await servers.queueRun(setup.b, setup.adminToken, pipelineId);
    expect((await servers.waitForCompletion(setup.a, setup.adminToken, onA)).result).toBe('succeeded');
    expect((await servers.waitForCompletion(setup.a, setup.adminToken, onB)).result).toBe('succeeded');

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
    // A server releases a run's lease after it has stored and logged the result,
    // so the table is given a few seconds to empty.
    let leases = await setup.sql('select run_id from run_leases');
    for (let tries = 0; leases.length > 0 && tries < 50; tries += 1) {
      await new Promise((resolveWait) => setTimeout(resolveWait, 100));
      leases = await setup.sql('select run_id from run_leases');
    }
    expect(leases).toEqual([]);
  }, 90_000);

  it('runs trigger loops in one server', async () => {
    const setup = await servers.start();
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
    const setup = await servers.start();
    // The only agent talks to B, so it keeps reporting after A dies.
    servers.processes.push(startAgent({ url: setup.b.baseUrl, token: setup.registrationToken, name: 'agent-b', root: setup.root }));
    const marker = join(setup.root, 'release-first-job');
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
    const pipelineId = await servers.createPipeline(setup.a, setup.adminToken, yaml);
    const runId = await servers.queueRun(setup.a, setup.adminToken, pipelineId);

    await waitFor(async () => ((await setup.sql("select 1 from job_queue where run_id = $1 and record_id = '__default.first' and status = 'leased'", [runId])).length > 0 ? true : undefined));
    expect(await setup.sql('select owner from run_leases where run_id = $1', [runId])).toHaveLength(1);
    await stopProcess(setup.a, 'SIGKILL');
    writeFileSync(marker, '');

    const run = await servers.waitForCompletion(setup.b, setup.adminToken, runId);
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
    expect(existsSync(join(setup.root, 'b', 'runs', String(runId)))).toBe(true);
  }, 120_000);
});
