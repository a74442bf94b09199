import { afterEach, describe, expect, it } from 'vitest';
import { createTestRepository, startTestServer, waitForRunCompletion, type TestServer } from '../server/server-test-helpers.js';

describe('agent protocol routes', () => {
  let test: TestServer | undefined;
  afterEach(async () => {
    await test?.cleanup();
    test = undefined;
  });

  async function registered(): Promise<{ test: TestServer; agentToken: string; registrationToken: string }> {
    test = await startTestServer({ localAgent: false });
    const registrationToken = (await test.request('POST', '/api/tokens', { kind: 'agentRegistration', name: 'agents' })).json().token as string;
    const response = await test.request('POST', '/api/agent/register', { name: 'a1', pool: 'Default', capabilities: { 'Agent.OS': 'Linux' } }, registrationToken);
    expect(response.statusCode).toBe(201);
    return { test, agentToken: response.json().token as string, registrationToken };
  }

  it('registers once per name unless replaced', async () => {
    const { test, agentToken, registrationToken } = await registered();
    const again = await test.request('POST', '/api/agent/register', { name: 'a1', pool: 'Default', capabilities: { 'Agent.OS': 'Linux' } }, registrationToken);
    const replaced = await test.request('POST', '/api/agent/register', { name: 'a1', pool: 'Default', capabilities: { 'Agent.OS': 'Linux' }, replace: true }, registrationToken);
    const oldTokenSession = await test.request('POST', '/api/agent/session', { capabilities: { 'Agent.OS': 'Linux' } }, agentToken);

    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('SRV005');
    expect(replaced.statusCode).toBe(201);
    expect(oldTokenSession.statusCode).toBe(401);
  });

  it('rejects invalid bodies with SRV004', async () => {
    const { test, agentToken, registrationToken } = await registered();
    const noOs = await test.request('POST', '/api/agent/register', { name: 'a2', pool: 'Default', capabilities: {} }, registrationToken);
    const badLease = await test.request('POST', '/api/agent/jobs/next', { leaseSeconds: 0 }, agentToken);
    const badEvent = await test.request('POST', '/api/agent/jobs/1/events', { events: [{ type: 'log', recordId: 'x', stream: 'nowhere', line: 'a', time: 't' }] }, agentToken);

    expect(noOs.statusCode).toBe(400);
    expect(noOs.json().error.code).toBe('SRV004');
    expect(noOs.json().error.message).toContain('Agent.OS');
    expect(badLease.statusCode).toBe(400);
    expect(badLease.json().error.message).toContain('leaseSeconds');
    expect(badEvent.statusCode).toBe(400);
    expect(badEvent.json().error.message).toContain('stream');
  });

  it('takes agent tokens only', async () => {
    const { test, registrationToken } = await registered();
    const withAdmin = await test.request('POST', '/api/agent/jobs/next', { leaseSeconds: 5, waitSeconds: 0 });
    const withRegistration = await test.request('POST', '/api/agent/jobs/next', { leaseSeconds: 5, waitSeconds: 0 }, registrationToken);

    expect(withAdmin.statusCode).toBe(403);
    expect(withRegistration.statusCode).toBe(403);
  });

  it('answers an empty queue with 204', async () => {
    const { test, agentToken } = await registered();
    const response = await test.request('POST', '/api/agent/jobs/next', { leaseSeconds: 5, waitSeconds: 0 }, agentToken);
    expect(response.statusCode).toBe(204);
  });

  it('rejects reports for a job it does not hold', async () => {
    const { test, agentToken } = await registered();
    const unknown = await test.request('POST', '/api/agent/jobs/999/heartbeat', { leaseSeconds: 5 }, agentToken);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('SRV003');
  });
  it('writes the assignment line before agent events', async () => {
    const { test, agentToken } = await registered();
    const repository = createTestRepository(test.root, { 'azure-pipelines.yml': "jobs:\n- job: Only\n  steps:\n  - script: 'true'\n" });
    const pipelineId = (await test.request('POST', '/api/pipelines', { name: 'assign', repositoryUrl: repository.path })).json().id as number;
    const runId = (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id as number;

    const next = await test.request('POST', '/api/agent/jobs/next', { leaseSeconds: 30, waitSeconds: 10 }, agentToken);
    expect(next.statusCode).toBe(200);
    const { jobId, request } = next.json() as { jobId: number; request: { record: { id: string } } };
    // Sent at once, while the server may still be writing the assignment line.
    const event = { type: 'log', recordId: request.record.id, stream: 'stdout', line: 'first agent line', time: new Date().toISOString() };
    const events = await test.request('POST', `/api/agent/jobs/${jobId}/events`, { events: [event] }, agentToken);
    expect(events.statusCode).toBe(200);
    const complete = await test.request('POST', `/api/agent/jobs/${jobId}/complete`, { outcome: { result: 'succeeded', outputs: {}, variables: {} } }, agentToken);
    expect(complete.statusCode).toBe(200);
    await waitForRunCompletion(test, runId);

    const log = await test.request('GET', `/api/runs/${runId}/logs/${encodeURIComponent(request.record.id)}?format=text`);
    const lines = log.body.split('\n').filter((line) => line !== '');
    expect(lines[0]).toContain("Job assigned to agent 'a1'");
    expect(lines[1]).toContain('first agent line');
  });
});
