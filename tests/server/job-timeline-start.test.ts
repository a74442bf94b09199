import { afterEach, describe, expect, it } from 'vitest';
import { createTestRepository, startTestServer, waitForRunCompletion, waitUntil, type TestServer } from './server-test-helpers.js';

interface TimelineRecord {
  id: string;
  type: string;
  state: string;
  startTime?: string;
  agentName?: string;
}

describe('start of a server job on the timeline', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.cleanup();
  });

  it('job pending until an agent claims it', async () => {
    const test = await startTestServer({ localAgent: false });
    servers.push(test);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': ['jobs:', '- job: Only', '  steps:', '  - script: true', ''].join('\n') });
    const pipelineId = (await test.request('POST', '/api/pipelines', { name: 'start', repositoryUrl: repo.path })).json().id as number;
    const runId = (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id as number;

    const jobRecord = async (): Promise<TimelineRecord | undefined> =>
      ((await test.request('GET', `/api/runs/${runId}/timeline`)).json().records as TimelineRecord[]).find((record) => record.type === 'job');
    // With no agent registered the job waits in the queue.
    await waitUntil(async () => ((await test.server.store.jobs.list({ runId, status: 'queued' })).length > 0 ? true : undefined));
    const queued = await waitUntil(jobRecord);
    expect(queued.state).toBe('pending');
    expect(queued.startTime).toBeUndefined();
    expect(queued.agentName).toBeUndefined();

    const registration = (await test.request('POST', '/api/tokens', { kind: 'agentRegistration', name: 'timeline-host' })).json().token as string;
    const registered = await test.request('POST', '/api/agent/register', { name: 'timeline-agent', pool: 'Default', capabilities: { 'Agent.OS': 'Linux' } }, registration);
    expect(registered.statusCode).toBe(201);
    const agentToken = registered.json().token as string;
    const next = await test.request('POST', '/api/agent/jobs/next', { waitSeconds: 10, leaseSeconds: 60 }, agentToken);
    expect(next.statusCode).toBe(200);
    const jobId = next.json().jobId as number;

    const claimed = await jobRecord();
    expect(claimed).toMatchObject({ state: 'inProgress', agentName: 'timeline-agent' });
    expect(claimed?.startTime).toEqual(expect.any(String));

    const outcome = { result: 'succeeded', outputs: {}, variables: {} };
    expect((await test.request('POST', `/api/agent/jobs/${jobId}/complete`, { outcome }, agentToken)).statusCode).toBe(200);
    const run = await waitForRunCompletion(test, runId);
    expect(run.result).toBe('succeeded');
    const finished = await jobRecord();
    expect(finished).toMatchObject({ state: 'completed', agentName: 'timeline-agent', startTime: claimed?.startTime });
  });
});
