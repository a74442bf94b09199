import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LOCAL_AGENT_NAME } from '../../src/server/local-agent.js';
import { createTestRepository, startTestServer, waitForRunCompletion, type TestServer } from './server-test-helpers.js';

interface TimelineRecord {
  id: string;
  type: string;
  parentId?: string;
  attempt: number;
}

describe('attempt variables and Agent.Name of server jobs', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.cleanup();
  });

  async function stepLog(test: TestServer, runId: number, jobId: string, attempt: number): Promise<string> {
    const records = (await test.request('GET', `/api/runs/${runId}/timeline?attempt=${attempt}`)).json().records as TimelineRecord[];
    const steps = records.filter((record) => record.type === 'step' && record.parentId === jobId);
    const logs = await Promise.all(steps.map(async (step) => (await test.request('GET', `/api/runs/${runId}/logs/${encodeURIComponent(step.id)}?format=text&attempt=${attempt}`)).body));
    return logs.join('');
  }

  it('re-run job sees attempt 2 and its agent name', async () => {
    const test = await startTestServer();
    servers.push(test);
    const marker = join(test.root, 'fixed');
    const repo = createTestRepository(test.root, {
      'azure-pipelines.yml': [
        'jobs:',
        '- job: Flaky',
        '  steps:',
        `  - script: echo "attempt=$(System.JobAttempt) stage=$(System.StageAttempt) env=$SYSTEM_JOBATTEMPT agent=$(Agent.Name)" && test -f '${marker}'`,
        '',
      ].join('\n'),
    });
    const pipelineId = (await test.request('POST', '/api/pipelines', { name: 'attempts', repositoryUrl: repo.path })).json().id as number;
    const runId = (await test.request('POST', `/api/pipelines/${pipelineId}/runs`, {})).json().id as number;
    expect((await waitForRunCompletion(test, runId)).result).toBe('failed');
    const firstLog = await stepLog(test, runId, '__default.Flaky', 1);

    writeFileSync(marker, '');
    expect((await test.request('POST', `/api/runs/${runId}/rerun-failed-jobs`)).statusCode).toBe(200);
    expect((await waitForRunCompletion(test, runId)).result).toBe('succeeded');
    const secondLog = await stepLog(test, runId, '__default.Flaky', 2);

    expect(firstLog).toContain(`attempt=1 stage=1 env=1 agent=${LOCAL_AGENT_NAME}`);
    expect(secondLog).toContain(`attempt=2 stage=2 env=2 agent=${LOCAL_AGENT_NAME}`);
  }, 60_000);
});
