import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Pipeline } from '../../src/store/pipeline-repository.js';
import { createTestRepository, startTestServer, waitForRunCompletion, type TestRepository, type TestServer } from '../server/server-test-helpers.js';
import { addPipeline, fixture, FORGE_TOKEN, git, githubPullRequest, githubPush, runsOf, runtimeOf, sendGitHub, startFakeForge } from './trigger-test-helpers.js';

const SECRET = 'deploy-key-7d41b9e2a0';
const SECRET_DIGEST = createHash('sha256').update(SECRET).digest('hex').slice(0, 16);
const ZERO = '0'.repeat(40);

// The step prints a digest of the mapped value, so the test can tell that the
// step got the secret without the log containing it.
const PIPELINE = `trigger:
- main
pr:
- main
variables:
  shadowed: from-yaml
steps:
- script: |
    echo "mapped=$API_KEY"
    echo "digest=$(printf %s "$API_KEY" | sha256sum | cut -c1-16)"
    echo "unmapped=[$APIKEY]"
    echo "plain=$(region) shadowed=$(shadowed)"
  env:
    API_KEY: $(apiKey)
`;

describe('secret pipeline variables in runs', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setUp(): Promise<{ test: TestServer; repo: TestRepository; pipeline: Pipeline }> {
    const test = await startTestServer({ localAgent: true });
    cleanups.push(() => test.cleanup());
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': PIPELINE });
    const pipeline = await addPipeline(test, repo.path);
    for (const [name, body] of [
      ['apiKey', { value: SECRET, isSecret: true }],
      ['region', { value: 'eu-west' }],
      ['shadowed', { value: 'from-server' }],
    ] as const) {
      expect((await test.request('PUT', `/api/pipelines/${pipeline.id}/variables/${name}`, body)).statusCode).toBe(200);
    }
    return { test, repo, pipeline };
  }

  /** Pushes a pull request branch whose head GitHub would expose as refs/pull/<n>/head. */
  function pullRequestHead(repo: TestRepository, number: number): string {
    git(repo.path, ['checkout', '--quiet', '-B', `contribution-${number}`, repo.commit]);
    const head = repo.commitFiles({ [`src/change-${number}.txt`]: String(number) }, `change ${number}`);
    git(repo.path, ['update-ref', `refs/pull/${number}/head`, head]);
    return head;
  }

  it('push run maps the secret through env and masks it', async () => {
    const { test, repo, pipeline } = await setUp();

    const response = await sendGitHub(test, pipeline.id, 'push', githubPush('refs/heads/main', ZERO, repo.commit));
    expect(response.statusCode).toBe(202);
    await runtimeOf(test).service.idle();
    const [queued] = await runsOf(test, pipeline.id);
    const run = await waitForRunCompletion(test, queued!.id);
    expect(run.result).toBe('succeeded');

    const log = await runLog(test, run.id);
    expect(log).toContain('mapped=***');
    expect(log).toContain(`digest=${SECRET_DIGEST}`);
    expect(log).toContain('unmapped=[]');
    expect(log).toContain('plain=eu-west shadowed=from-yaml');
    expect(log).not.toContain(SECRET);
    expect(await warnings(test, run.id)).toEqual([]);
    for (const file of filesUnder(test.dataDir)) {
      expect(readFileSync(file).includes(SECRET), file).toBe(false);
    }
  }, 60_000);

  it('same-repository pull request gets the secret', async () => {
    const { test, repo, pipeline } = await setUp();
    const head = pullRequestHead(repo, 4);

    await sendGitHub(test, pipeline.id, 'pull_request', githubPullRequest('opened', 4, 'contribution-4', head));
    await runtimeOf(test).service.idle();
    const [queued] = await runsOf(test, pipeline.id);
    const run = await waitForRunCompletion(test, queued!.id);

    expect(run.variables['System.PullRequest.IsFork']).toEqual({ value: 'False', isSecret: false });
    expect(await runLog(test, run.id)).toContain(`digest=${SECRET_DIGEST}`);
    expect(await warnings(test, run.id)).toEqual([]);
  }, 60_000);

  it('fork pull request gets no secret and a warning', async () => {
    const { test, repo, pipeline } = await setUp();
    const head = pullRequestHead(repo, 9);

    const response = await sendGitHub(test, pipeline.id, 'pull_request', forkPullRequest(9, head));
    expect(response.statusCode).toBe(202);
    await runtimeOf(test).service.idle();
    const [queued] = await runsOf(test, pipeline.id);
    const run = await waitForRunCompletion(test, queued!.id);
    expect(run.result).toBe('succeeded');
    expect(run.variables['System.PullRequest.IsFork']).toEqual({ value: 'True', isSecret: false });

    const log = await runLog(test, run.id);
    // An undefined variable's macro stays as written, as in Azure.
    expect(log).toContain('mapped=$(apiKey)');
    expect(log).not.toContain(`digest=${SECRET_DIGEST}`);
    expect(log).toContain('plain=eu-west shadowed=from-yaml');
    expect(log).not.toContain(SECRET);

    const issues = await warnings(test, run.id);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toContain("'apiKey'");
    expect(issues[0]).toContain('fork');
    expect(issues[0]).not.toContain('region');
    expect(issues[0]).not.toContain(SECRET);
  }, 60_000);

  it('fork pull request gets the secret when forks are allowed', async () => {
    const forge = await startFakeForge();
    cleanups.push(() => forge.close());
    const { test, repo, pipeline } = await setUp();
    await runtimeOf(test).settings.set(pipeline.id, { forge: 'github', apiUrl: forge.url, repository: 'example-org/widget', token: FORGE_TOKEN, allowSecretsForForks: true });
    const head = pullRequestHead(repo, 11);

    await sendGitHub(test, pipeline.id, 'pull_request', forkPullRequest(11, head));
    await runtimeOf(test).service.idle();
    const [queued] = await runsOf(test, pipeline.id);
    const run = await waitForRunCompletion(test, queued!.id);

    expect(run.variables['System.PullRequest.IsFork']).toEqual({ value: 'True', isSecret: false });
    const log = await runLog(test, run.id);
    expect(log).toContain('mapped=***');
    expect(log).toContain(`digest=${SECRET_DIGEST}`);
    expect(await warnings(test, run.id)).toEqual([]);
  }, 60_000);
});

/** Builds a GitHub pull_request `opened` payload from the fork `contributor/widget` into `main`. */
function forkPullRequest(number: number, head: string): Record<string, any> {
  const body = fixture('github-pull-request-fork.json');
  body.action = 'opened';
  body.number = number;
  body.pull_request.number = number;
  body.pull_request.draft = false;
  body.pull_request.head.sha = head;
  body.pull_request.base.ref = 'main';
  return body;
}

/** Returns the text of every log of the run, joined. */
async function runLog(test: TestServer, runId: number): Promise<string> {
  const index = (await test.request('GET', `/api/runs/${runId}/logs`)).json().logs as Array<{ recordId: string }>;
  const texts: string[] = [];
  for (const { recordId } of index) texts.push((await test.request('GET', `/api/runs/${runId}/logs/${recordId}?format=text`)).body);
  return texts.join('\n');
}

/** Returns the messages of the run's warning issues, over every record. */
async function warnings(test: TestServer, runId: number): Promise<string[]> {
  const records = (await test.request('GET', `/api/runs/${runId}/timeline`)).json().records as Array<{ issues: Array<{ type: string; message: string }> }>;
  return records.flatMap((record) => record.issues.filter((issue) => issue.type === 'warning').map((issue) => issue.message));
}

function filesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((entry) => {
    const path = join(folder, entry);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
