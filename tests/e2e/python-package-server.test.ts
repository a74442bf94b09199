// End-to-end test of the server with real processes: a git repository made from
// examples/python-package, `sluice serve` with two `sluice agent` processes,
// a push to main and a pull request delivered as signed GitHub webhooks, and
// what the API serves afterwards. It runs on SQLite and on PostgreSQL.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPostgresCluster, type PostgresCluster } from '../helpers/postgres-cluster.js';
import { startFakeForge } from '../server-triggers/trigger-test-helpers.js';
import { deliverGitHubWebhook, GITHUB_REPOSITORY, pullRequestPayload, pushPayload } from './github-deliveries.js';
import { createPythonPackageRepository, KEPT_LEGS, NAME_STEP, TEST_RUN_TITLE_PREFIX, type PythonPackageRepository } from './python-package-repository.js';
import { buildSluiceInstall, type SluiceInstall } from './sluice-install.js';
import { freePort, runSluice, startAgent, startServe, type ServeProcess, type SluiceProcess } from './sluice-processes.js';

const WEBHOOK_SECRET = 'e2e-webhook-secret';
const FORGE_TOKEN = 'e2e-forge-token';
const PULL_REQUEST = 17;
const AGENT_NAMES = ['e2e-agent-one', 'e2e-agent-two'] as const;

// A run builds a wheel, installs pytest for each leg and runs the suite: tens of seconds each.
const RUN_TIMEOUT_MS = 240_000;

interface TimelineRecord {
  id: string;
  parentId?: string;
  type: string;
  name: string;
  displayName: string;
  state: string;
  result?: string;
  agentName?: string;
}

interface RunBody {
  id: number;
  status: string;
  result?: string;
  trigger: { reason: string; branch: string; commit: string; pullRequestNumber?: number };
}

interface Dialect {
  name: string;
  /** The `--database` option of `sluice serve` and `sluice repo add`; undefined means SQLite under --data. */
  database(): Promise<string | undefined>;
}

let postgres: PostgresCluster | undefined;
let databases = 0;

const DIALECTS: Dialect[] = [
  { name: 'SQLite', database: async () => undefined },
  {
    name: 'PostgreSQL',
    async database() {
      postgres ??= await startPostgresCluster();
      databases += 1;
      return postgres.createDatabase(`sluice_e2e_${databases}`);
    },
  },
];

let install: SluiceInstall;

beforeAll(async () => {
  install = await buildSluiceInstall('python-package');
});

afterAll(async () => {
  install?.remove();
  await postgres?.stop();
});

describe.each(DIALECTS)('python-package through sluice serve and two agents on $name', (dialect) => {
  let root: string;
  let repository: PythonPackageRepository;
  let forge: Awaited<ReturnType<typeof startFakeForge>>;
  let server: ServeProcess;
  const agents: SluiceProcess[] = [];
  let pipelineId: number;
  let pushRun: RunBody;
  let pullRequestRun: RunBody;

  async function api<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T; text: string }> {
    const response = await fetch(`${server.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${server.adminToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    const json = response.headers.get('content-type')?.includes('application/json') === true && text !== '' ? (JSON.parse(text) as T) : (undefined as T);
    return { status: response.status, body: json, text };
  }

  async function poll<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = RUN_TIMEOUT_MS): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (value !== undefined) return value;
      if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}\nserver stderr:\n${server.stderr().slice(-3000)}\nagents:\n${agents.map((agent) => agent.stderr().slice(-2000)).join('\n---\n')}`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  async function runsOfPipeline(): Promise<RunBody[]> {
    return (await api<{ runs: RunBody[] }>('GET', `/api/pipelines/${pipelineId}/runs`)).body.runs;
  }

  /** Waits for the run that `matches` to be queued, then for it to complete. */
  async function completedRun(what: string, matches: (run: RunBody) => boolean): Promise<RunBody> {
    const queued = await poll(`the ${what} run to be queued`, async () => (await runsOfPipeline()).find(matches));
    return poll(`the ${what} run to complete`, async () => {
      const run = (await api<RunBody>('GET', `/api/runs/${queued.id}`)).body;
      return run.status === 'completed' ? run : undefined;
    });
  }

  async function timeline(runId: number): Promise<TimelineRecord[]> {
    return (await api<{ records: TimelineRecord[] }>('GET', `/api/runs/${runId}/timeline`)).body.records;
  }

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sluice-e2e-'));
    repository = createPythonPackageRepository(join(root, 'tinyver'), PULL_REQUEST);
    forge = await startFakeForge();
    const database = await dialect.database();
    const dataDir = join(root, 'data');
    const port = await freePort();
    // The commit status links to the run page of the server's public URL.
    server = await startServe(install.bin, { dataDir, port, database, env: { SLUICE_PUBLIC_URL: `http://127.0.0.1:${port}` } });

    const added = await runSluice(install.bin, ['repo', 'add', repository.path, '--name', 'tinyver', '--server', server.baseUrl, '--token', server.adminToken], root);
    expect(added.stderr).toBe('');
    expect(added.exitCode).toBe(0);
    pipelineId = Number(/Added pipeline (\d+) 'tinyver'/.exec(added.stdout)?.[1]);
    expect(pipelineId).toBeGreaterThan(0);
    expect((await api('PATCH', `/api/pipelines/${pipelineId}`, { webhookSecret: WEBHOOK_SECRET })).status).toBe(200);
    const forgeSettings = await api('PUT', `/api/pipelines/${pipelineId}/forge`, { forge: 'github', apiUrl: forge.url, repository: GITHUB_REPOSITORY, token: FORGE_TOKEN });
    expect(forgeSettings.status).toBe(200);

    const registration = await api<{ token: string }>('POST', '/api/tokens', { kind: 'agentRegistration', name: 'e2e agents' });
    expect(registration.status).toBe(201);
    // The example's jobs request `vmImage: ubuntu-latest`, so they queue in the hosted pool. One agent
    // lists the images it runs; the other matches by its operating system (Agent.OS Linux).
    const capabilities = [['vmImage=ubuntu-latest,ubuntu-24.04'], []];
    AGENT_NAMES.forEach((name, index) => {
      const work = join(root, `work-${name}`);
      mkdirSync(work);
      agents.push(startAgent(install.bin, { url: server.baseUrl, token: registration.body.token, name, work, pool: 'Azure Pipelines', capabilities: capabilities[index] }));
    });
    await poll('both agents to come online', async () => {
      const listed = (await api<{ agents: Array<{ name: string; status: string }> }>('GET', '/api/agents')).body.agents;
      return AGENT_NAMES.every((name) => listed.some((agent) => agent.name === name && agent.status === 'online')) ? true : undefined;
    }, 30_000);

    // One run at a time, so that both idle agents are free when a run's matrix legs are queued.
    const push = await deliverGitHubWebhook(server.baseUrl, pipelineId, WEBHOOK_SECRET, 'push', pushPayload({
      cloneUrl: repository.path,
      ref: 'refs/heads/main',
      before: repository.initial,
      after: repository.pushed,
      message: 'Document the release process',
      modified: ['README.md'],
    }));
    expect(push.status).toBe(202);
    pushRun = await completedRun('push', (run) => run.trigger.reason === 'IndividualCI');

    const pullRequest = await deliverGitHubWebhook(server.baseUrl, pipelineId, WEBHOOK_SECRET, 'pull_request', pullRequestPayload({
      cloneUrl: repository.path,
      number: PULL_REQUEST,
      sourceBranch: repository.featureBranch,
      head: repository.featureHead,
      targetBranch: 'main',
      base: repository.pushed,
    }));
    expect(pullRequest.status).toBe(202);
    pullRequestRun = await completedRun('pull request', (run) => run.trigger.reason === 'PullRequest');
  }, 2 * RUN_TIMEOUT_MS + 60_000);

  afterAll(async () => {
    for (const agent of agents.splice(0)) await agent.stop();
    await server?.stop();
    await forge?.close();
    if (root !== undefined) rmSync(root, { recursive: true, force: true });
  }, 60_000);

  it('runs the push to main and the pull request to success', () => {
    expect(pushRun).toMatchObject({ result: 'succeeded', trigger: { reason: 'IndividualCI', branch: 'refs/heads/main', commit: repository.pushed } });
    expect(pullRequestRun).toMatchObject({
      result: 'succeeded',
      trigger: { reason: 'PullRequest', branch: `refs/pull/${PULL_REQUEST}/merge`, commit: repository.featureHead, pullRequestNumber: PULL_REQUEST },
    });
  });

  it('runs every job on the agents and spreads the matrix legs over both', async () => {
    for (const run of [pushRun, pullRequestRun]) {
      const records = await timeline(run.id);
      const jobs = records.filter((record) => record.type === 'job' && record.result !== 'skipped');
      expect(jobs.length).toBeGreaterThanOrEqual(3);
      for (const job of jobs) expect(AGENT_NAMES as readonly string[], JSON.stringify(job)).toContain(job.agentName);

      const legs = jobs.filter((record) => KEPT_LEGS.some((leg) => record.id.startsWith('Test.') && record.id.endsWith(leg)));
      expect(legs.map((leg) => leg.result)).toEqual(['succeeded', 'succeeded']);
      expect(new Set(legs.map((leg) => leg.agentName))).toEqual(new Set(AGENT_NAMES));
      // Inside the job, Agent.Name is the name the agent registered with (--name), not the host name.
      for (const leg of legs) {
        const step = records.find((record) => record.type === 'step' && record.parentId === leg.id && record.displayName === NAME_STEP);
        expect(step).toBeDefined();
        const log = await api('GET', `/api/runs/${run.id}/logs/${encodeURIComponent(step!.id)}?format=text`);
        expect(log.text).toMatch(new RegExp(`^Python 3\\.1[12] ran on agent ${leg.agentName}, attempt 1$`, 'm'));
      }
    }
    // The Publish stage runs on main only (its condition reads Build.SourceBranch).
    const publish = (records: TimelineRecord[]) => records.find((record) => record.type === 'stage' && record.name === 'Publish')?.result;
    expect(publish(await timeline(pushRun.id))).toBe('succeeded');
    expect(publish(await timeline(pullRequestRun.id))).toBe('skipped');
  });

  it('posts pending then success statuses for the pull request', async () => {
    const forHead = () => forge.requests.filter((request) => request.url === `/repos/${GITHUB_REPOSITORY}/statuses/${repository.featureHead}`);
    // The reporter posts the final status after the run completes, in the background.
    const statuses = await poll('the final commit status', async () => (forHead().some((request) => request.body.state !== 'pending') ? forHead() : undefined), 30_000);
    expect(statuses.map((request) => request.body.state)).toEqual(['pending', 'success']);
    for (const status of statuses) {
      expect(status.method).toBe('POST');
      expect(status.headers.authorization).toBe(`Bearer ${FORGE_TOKEN}`);
      expect(status.body.context).toBe('sluice/tinyver');
      expect(status.body.target_url).toBe(`${server.baseUrl}/runs/${pullRequestRun.id}`);
    }
  });

  it('serves the log of a step whole and by line range', async () => {
    const records = await timeline(pullRequestRun.id);
    const step = records.find((record) => record.type === 'step' && record.displayName === 'Install and run pytest' && record.parentId?.endsWith('py312') === true);
    expect(step).toBeDefined();
    const path = `/api/runs/${pullRequestRun.id}/logs/${encodeURIComponent(step!.id)}`;

    const whole = await api<{ lineCount: number; lines: Array<{ lineNumber: number; text: string }> }>('GET', path);
    expect(whole.status).toBe(200);
    expect(whole.body.lines).toHaveLength(whole.body.lineCount);
    expect(whole.body.lines.map((line) => line.lineNumber)).toEqual(Array.from({ length: whole.body.lineCount }, (_, index) => index + 1));
    const text = whole.body.lines.map((line) => line.text).join('\n');
    expect(text).toMatch(/\d+ passed/);

    const plain = await api('GET', `${path}?format=text`);
    expect(plain.text).toBe(whole.body.lines.map((line) => `${line.text}\n`).join(''));

    const range = await api<{ lines: Array<{ lineNumber: number; text: string }> }>('GET', `${path}?from=2&to=4`);
    expect(range.status).toBe(200);
    expect(range.body.lines).toEqual(whole.body.lines.slice(1, 4));
  });

  it('serves the published test results with their counts', async () => {
    for (const run of [pushRun, pullRequestRun]) {
      const results = await api<{ testRuns: Array<{ title: string; format: string; summary: { total: number; passed: number; failed: number; skipped: number } }>; totals: { total: number; passed: number; failed: number } }>(
        'GET',
        `/api/runs/${run.id}/test-results`,
      );
      expect(results.status).toBe(200);
      const titles = results.body.testRuns.map((testRun) => testRun.title).sort();
      expect(titles).toEqual([`${TEST_RUN_TITLE_PREFIX} 3.11`, `${TEST_RUN_TITLE_PREFIX} 3.12`]);
      for (const testRun of results.body.testRuns) {
        expect(testRun.format.toLowerCase()).toBe('junit');
        // tinyver's suite has 22 test functions (tests/examples/python-package.test.ts counts the same).
        expect(testRun.summary.total).toBeGreaterThanOrEqual(22);
        expect(testRun.summary).toMatchObject({ passed: testRun.summary.total, failed: 0 });
      }
      expect(results.body.totals.total).toBe(results.body.testRuns.reduce((sum, testRun) => sum + testRun.summary.total, 0));
      expect(results.body.totals.failed).toBe(0);
    }
  });
});
