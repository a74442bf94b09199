import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestRepository, startTestServer, waitForRunCompletion, waitUntil, type TestServer } from '../server/server-test-helpers.js';
import { bundleAgentProcess, startAgentProcess, stopAgentProcess, type AgentProcess } from './agent-test-helpers.js';

interface TimelineRecord {
  id: string;
  type: string;
  result?: string;
  reason?: string;
  agentName?: string;
  state: string;
}

describe('sluice agent with a real server', () => {
  let bundle: string;
  let test: TestServer | undefined;
  let agents: AgentProcess[] = [];
  let url = '';
  let registrationToken = '';

  beforeAll(async () => {
    bundle = await bundleAgentProcess();
  });

  afterEach(async () => {
    for (const agent of agents.splice(0)) await stopAgentProcess(agent, 'SIGKILL');
    killStepProcesses();
    await test?.cleanup();
    test = undefined;
  });

  async function startServer(): Promise<TestServer> {
    test = await startTestServer({ localAgent: false, port: 0, host: '127.0.0.1', maintenanceIntervalMs: 60_000 });
    url = await test.server.listen();
    const created = await test.request('POST', '/api/tokens', { kind: 'agentRegistration', name: 'test agents' });
    expect(created.statusCode).toBe(201);
    registrationToken = created.json().token as string;
    return test;
  }

  function startAgent(name: string, capabilities: Record<string, string> = {}): AgentProcess {
    const agent = startAgentProcess(bundle, { url, token: registrationToken, name, work: join(test!.root, `work-${name}`), capabilities });
    agents.push(agent);
    return agent;
  }

  async function waitForAgentsOnline(names: string[]): Promise<void> {
    await waitUntil(async () => {
      const listed = (await test!.request('GET', '/api/agents')).json().agents as Array<{ name: string; status: string }>;
      return names.every((name) => listed.some((agent) => agent.name === name && agent.status === 'online')) ? true : undefined;
    });
  }

  async function queueRun(yaml: string): Promise<number> {
    const repo = createTestRepository(mkdtempSync(join(test!.root, 'repo-')), { 'azure-pipelines.yml': yaml });
    const pipeline = await test!.request('POST', '/api/pipelines', { name: `p${Date.now()}${Math.random()}`, repositoryUrl: repo.path });
    expect(pipeline.statusCode).toBe(201);
    const run = await test!.request('POST', `/api/pipelines/${pipeline.json().id}/runs`, {});
    expect(run.statusCode).toBe(201);
    return run.json().id as number;
  }

  async function timeline(runId: number): Promise<Map<string, TimelineRecord>> {
    const records = (await test!.request('GET', `/api/runs/${runId}/timeline`)).json().records as TimelineRecord[];
    return new Map(records.map((record) => [record.id, record]));
  }

  async function logText(runId: number, recordId: string): Promise<string> {
    const response = await test!.request('GET', `/api/runs/${runId}/logs/${encodeURIComponent(recordId)}?format=text`);
    return response.statusCode === 200 ? response.body : '';
  }

  const stepPidFiles: string[] = [];
  function killStepProcesses(): void {
    // Steps of a SIGKILLed agent outlive it; their pids were written by the steps themselves.
    for (const file of stepPidFiles.splice(0)) {
      if (!existsSync(file)) continue;
      const pid = Number(readFileSync(file, 'utf8').trim());
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  }

  it('spreads matrix legs, routes demands and passes artifacts', async () => {
    await startServer();
    startAgent('agent-one', { role: 'builder' });
    startAgent('agent-two', { python: '3.12' });
    await waitForAgentsOnline(['agent-one', 'agent-two']);

    const runId = await queueRun(`
stages:
- stage: Legs
  jobs:
  - job: Leg
    strategy:
      matrix:
        a: { leg: a }
        b: { leg: b }
        c: { leg: c }
        d: { leg: d }
    steps:
    - script: sleep 1 && echo "leg $(leg) on $(Agent.Name)"
- stage: Routed
  dependsOn: []
  jobs:
  - job: Build
    pool:
      name: Default
      demands: [ role -equals builder ]
    steps:
    - script: mkdir -p out && echo "built by the Build job" > out/result.txt
    - publish: out
      artifact: drop
  - job: Test
    dependsOn: Build
    pool:
      name: Default
      demands: [ python -equals 3.12 ]
    steps:
    - download: current
      artifact: drop
    - script: cat "$(Pipeline.Workspace)/drop/result.txt"
`);
    const run = await waitForRunCompletion(test!, runId);
    const records = await timeline(runId);

    expect(run.result).toBe('succeeded');
    const legAgents = new Set(['a', 'b', 'c', 'd'].map((leg) => records.get(`Legs.Leg_${leg}`)?.agentName ?? records.get(`Legs.Leg.${leg}`)?.agentName));
    expect(legAgents).toEqual(new Set(['agent-one', 'agent-two']));
    expect(records.get('Routed.Build')?.agentName).toBe('agent-one');
    expect(records.get('Routed.Test')?.agentName).toBe('agent-two');
    const testLog = await Promise.all([...records.keys()].filter((id) => id.startsWith('Routed.Test.')).map((id) => logText(runId, id)));
    expect(testLog.join('\n')).toContain('built by the Build job');
    const artifacts = (await test!.request('GET', `/api/runs/${runId}/artifacts`)).json().artifacts as Array<{ name: string }>;
    expect(artifacts.map((artifact) => artifact.name)).toEqual(['drop']);
  });

  it('re-queues the job of a killed agent once', async () => {
    await startServer();
    const marker = join(test!.root, 'first-attempt-ran');
    const pidFile = join(test!.root, 'step.pid');
    stepPidFiles.push(pidFile);
    const first = startAgent('agent-one');
    const second = startAgent('agent-two');
    await waitForAgentsOnline(['agent-one', 'agent-two']);

    // The first attempt leaves a marker and hangs; the second finds the marker and succeeds.
    const runId = await queueRun(`
jobs:
- job: Work
  steps:
  - script: |
      if [ -f '${marker}' ]; then echo "second attempt done"; exit 0; fi
      echo $$ > '${pidFile}'
      touch '${marker}'
      sleep 60
`);
    await waitUntil(async () => (existsSync(marker) ? true : undefined));
    const holder = await waitUntil(async () => [...(await timeline(runId)).values()].find((item) => item.type === 'job')?.agentName);
    const victim = holder === 'agent-one' ? first : second;
    const survivor = victim === first ? second : first;
    await stopAgentProcess(victim, 'SIGKILL');
    killStepProcesses();

    const run = await waitForRunCompletion(test!, runId);
    const record = [...(await timeline(runId)).values()].find((item) => item.type === 'job')!;
    const log = await logText(runId, record.id);

    expect(run.result).toBe('succeeded');
    expect(record.agentName).toBe(survivor.name);
    expect(log).toContain(`Agent '${victim.name}' stopped sending heartbeats during attempt 1; the job is queued again`);
    expect(log).toContain(`Job assigned to agent '${survivor.name}' (attempt 2 of 2`);
  });

  it('fails the job when its second agent is lost', async () => {
    await startServer();
    const pidFile = join(test!.root, 'step.pid');
    const first = startAgent('agent-one');
    const second = startAgent('agent-two');
    await waitForAgentsOnline(['agent-one', 'agent-two']);
    const runId = await queueRun(`
jobs:
- job: Hang
  steps:
  - script: |
      echo $$ >> '${pidFile}'
      echo "attempt started"
      sleep 60
`);
    stepPidFiles.push(pidFile);

    for (let attempt = 1; attempt <= 2; attempt += 1) {
      // The log names the agent of each attempt, so the holder is read from the same response as the count.
      const holder = await waitUntil(async () => {
        const job = [...(await timeline(runId)).values()].find((item) => item.type === 'job');
        const assigned = [...(job === undefined ? '' : await logText(runId, job.id)).matchAll(/Job assigned to agent '([^']+)'/g)];
        return assigned.length >= attempt ? assigned[attempt - 1]![1] : undefined;
      });
      await stopAgentProcess(holder === 'agent-one' ? first : second, 'SIGKILL');
    }
    killStepProcessesFromList(pidFile);

    const run = await waitForRunCompletion(test!, runId);
    const record = [...(await timeline(runId)).values()].find((item) => item.type === 'job')!;
    const log = await logText(runId, record.id);

    expect(run.result).toBe('failed');
    expect(record.result).toBe('failed');
    expect(record.reason).toContain('lost its agent 2 times');
    expect(log).toContain('the job failed because it lost its agent 2 times');
  });

  it('cancels a running job through the heartbeat', async () => {
    await startServer();
    const agent = startAgent('agent-one');
    await waitForAgentsOnline(['agent-one']);
    const runId = await queueRun(`
jobs:
- job: Slow
  cancelTimeoutInMinutes: 1
  steps:
  - script: echo "slow step started" && sleep 60
`);
    await waitUntil(async () => {
      const logs = await Promise.all([...(await timeline(runId)).keys()].map((id) => logText(runId, id)));
      return logs.some((log) => log.includes('slow step started')) ? true : undefined;
    });
    expect((await test!.request('POST', `/api/runs/${runId}/cancel`)).statusCode).toBe(200);

    const run = await waitForRunCompletion(test!, runId);
    const record = [...(await timeline(runId)).values()].find((item) => item.type === 'job')!;

    expect(run.result).toBe('canceled');
    expect(record.result).toBe('canceled');
    expect(agent.child.exitCode).toBeNull();
    expect(agent.stderr()).toContain('the server canceled the job');
  });

  it('registers with the token from SLUICE_AGENT_TOKEN', async () => {
    await startServer();
    const agent = startAgentProcess(bundle, { url, token: registrationToken, name: 'agent-env', work: join(test!.root, 'work-agent-env'), tokenInEnvironment: true });
    agents.push(agent);
    await waitForAgentsOnline(['agent-env']);

    const runId = await queueRun('steps:\n- script: echo from-env-agent\n');
    const run = await waitForRunCompletion(test!, runId);

    expect(run.result).toBe('succeeded');
    const jobs = [...(await timeline(runId)).values()].filter((record) => record.type === 'job');
    expect(jobs.map((record) => record.agentName)).toEqual(['agent-env']);
  });

  it('shows why a job waits for an agent', async () => {
    await startServer();
    startAgent('agent-one', { python: '3.11' });
    await waitForAgentsOnline(['agent-one']);
    const runId = await queueRun(`
jobs:
- job: NeedsPython
  pool:
    name: Default
    demands: [ python -equals 3.12 ]
  steps:
  - script: echo never
- job: OtherPool
  pool: linux
  steps:
  - script: echo never
`);
    const reasons = await waitUntil(async () => {
      const [python, linux] = await Promise.all([logText(runId, 'NeedsPython'), logText(runId, 'OtherPool')]);
      const records = await timeline(runId);
      const pythonLog = python || (await logText(runId, [...records.keys()].find((id) => id.endsWith('NeedsPython')) ?? 'x'));
      const linuxLog = linux || (await logText(runId, [...records.keys()].find((id) => id.endsWith('OtherPool')) ?? 'x'));
      return pythonLog.includes('waiting') && linuxLog.includes('waiting') ? { pythonLog, linuxLog } : undefined;
    });

    expect(reasons.pythonLog).toContain("waiting: no agent in pool 'Default' has python=3.12");
    expect(reasons.linuxLog).toContain("waiting: no agent is registered in pool 'linux'");
    expect((await test!.request('POST', `/api/runs/${runId}/cancel`)).statusCode).toBe(200);
    const run = await waitForRunCompletion(test!, runId);
    expect(run.result).toBe('canceled');
  });

  function killStepProcessesFromList(file: string): void {
    if (!existsSync(file)) return;
    for (const line of readFileSync(file, 'utf8').split('\n').filter((item) => item.trim() !== '')) {
      try {
        process.kill(-Number(line), 'SIGKILL');
      } catch {
        try {
          process.kill(Number(line), 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
  }
});
