import { afterEach, describe, expect, it } from 'vitest';
import { LocalJobRunner } from '../../src/runner/local-job-runner.js';
import type { RunEvent } from '../../src/events/run-event.js';
import { claimJob, completeJob, recordJobEvents } from '../../src/server/job-reports.js';
import { isStoreError } from '../../src/store/store-error.js';
import { createTestRepository, startTestServer, waitForRunCompletion, waitUntil, type TestServer } from './server-test-helpers.js';

const SECRET = 'agent-side-secret-42';

describe('remote job executor', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.cleanup();
  });

  async function queue(test: TestServer, yaml: string): Promise<number> {
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': yaml });
    const pipelineId = (await test.request('POST', '/api/pipelines', { name: 'remote', repositoryUrl: repo.path })).json().id as number;
    const queued = await test.request('POST', `/api/pipelines/${pipelineId}/runs`, { variables: { token: { value: SECRET, isSecret: true } } });
    return queued.json().id as number;
  }

  it('runs a job through an agent loop of the test', async () => {
    const test = await startTestServer({ localAgent: false });
    servers.push(test);
    const { context, store } = test.server;
    const agent = await store.agents.register({ name: 'test-agent', pool: 'Default', capabilities: { 'Agent.OS': 'Linux' } });
    const runId = await queue(test, 'pool:\n  name: Default\n  demands: Agent.OS -equals Linux\nsteps:\n- script: echo "agent job $(token)"\n');

    const claimed = await waitUntil(() => claimJob(context, agent, ['Default'], 60));
    const stored = JSON.stringify((await store.jobs.get(claimed.job.id))!.payload);
    expect(stored).not.toContain(SECRET);
    expect(claimed.payload.request.variables.token).toMatchObject({ value: SECRET, isSecret: true });

    const events: RunEvent[] = [];
    const outcome = await new LocalJobRunner().runJob(claimed.payload.request, (event) => events.push(event), new AbortController().signal);
    await recordJobEvents(context, claimed, agent.name, events);
    await completeJob(context, claimed, agent.id, outcome);
    const run = await waitForRunCompletion(test, runId);

    expect(run.result).toBe('succeeded');
    const log = await test.request('GET', `/api/runs/${runId}/logs/__default.Job.1?format=text`);
    expect(log.body).toContain('agent job ***');
    const job = (await test.request('GET', `/api/runs/${runId}/timeline`)).json().records.find((record: { id: string }) => record.id === '__default.Job');
    expect(job.agentName).toBe('test-agent');
  }, 60_000);

  it('rejects a report after the lease was lost', async () => {
    const test = await startTestServer({ localAgent: false });
    servers.push(test);
    const { context, store } = test.server;
    const agent = await store.agents.register({ name: 'slow-agent', pool: 'Default', capabilities: {} });
    const runId = await queue(test, 'steps:\n- script: echo never reported\n');
    const claimed = await waitUntil(() => claimJob(context, agent, ['Default'], 60));

    await test.request('POST', `/api/runs/${runId}/cancel`);
    await store.jobs.cancel(claimed.job.id);
    const error = await completeJob(context, claimed, agent.id, { result: 'succeeded', outputs: {}, variables: {} }).catch((caught: unknown) => caught);

    expect(isStoreError(error, 'STORE011')).toBe(true);
    expect((await waitForRunCompletion(test, runId)).result).toBe('canceled');
    expect(await store.testResults.list(runId)).toEqual([]);
  }, 60_000);

  it('fails the job when its agents keep losing the lease', async () => {
    const test = await startTestServer({ localAgent: false, maintenanceIntervalMs: 50 });
    servers.push(test);
    const { context, store } = test.server;
    const agent = await store.agents.register({ name: 'vanishing-agent', pool: 'Default', capabilities: {} });
    const runId = await queue(test, 'steps:\n- script: echo lost\n');

    // Each claim takes a one-second lease that is never renewed, as an agent that died would.
    await waitUntil(() => claimJob(context, agent, ['Default'], 1));
    await waitUntil(() => claimJob(context, agent, ['Default'], 1));
    const run = await waitForRunCompletion(test, runId);

    expect(run.result).toBe('failed');
    expect(run.reason).toContain("agent 'vanishing-agent' stopped sending heartbeats");
  }, 60_000);
});
