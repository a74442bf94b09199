import { afterEach, describe, expect, it } from 'vitest';
import { createTestRepository, startTestServer, waitForRunCompletion, waitUntil, type TestServer } from '../server/server-test-helpers.js';
import { addPipeline, FORGE_TOKEN, git, githubPullRequest, githubPush, runsOf, runtimeOf, sendGitHub, startFakeForge } from './trigger-test-helpers.js';

const MAIN_ONLY = 'trigger:\n- main\nsteps:\n- script: echo built\n';
const ZERO = '0'.repeat(40);

describe('webhook triggers', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(localAgent: boolean): Promise<TestServer> {
    const test = await startTestServer({ localAgent });
    cleanups.push(() => test.cleanup());
    return test;
  }

  it('bad signature is rejected with nothing queued', async () => {
    const test = await start(false);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': MAIN_ONLY });
    const pipeline = await addPipeline(test, repo.path);

    const response = await sendGitHub(test, pipeline.id, 'push', githubPush('refs/heads/main', ZERO, repo.commit), { secret: 'wrong-secret', deliveryId: 'delivery-1' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('TRG021');
    expect(response.body).not.toContain('wrong-secret');

    await runtimeOf(test).service.idle();
    expect(await runsOf(test, pipeline.id)).toEqual([]);
    // A forged request must not use up the delivery id of the real one.
    expect(await runtimeOf(test).deliveryLog.markSeen('delivery-1')).toBe(true);
  });

  it('replayed delivery is ignored', async () => {
    const test = await start(false);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': MAIN_ONLY });
    const pipeline = await addPipeline(test, repo.path);
    const body = githubPush('refs/heads/main', ZERO, repo.commit);

    const first = await sendGitHub(test, pipeline.id, 'push', body, { deliveryId: 'same-id' });
    const replay = await sendGitHub(test, pipeline.id, 'push', body, { deliveryId: 'same-id' });
    expect(first.statusCode).toBe(202);
    expect(replay.statusCode).toBe(409);
    expect(replay.json().error.code).toBe('TRG023');

    await runtimeOf(test).service.idle();
    expect(await runsOf(test, pipeline.id)).toHaveLength(1);
  });

  it('push to main reads the YAML at the pushed commit', async () => {
    const test = await start(false);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': MAIN_ONLY });
    const pushed = repo.commitFiles({ 'src/a.txt': 'a' }, 'add a');
    // The newer head turns CI off; the push of the older commit must still run with that commit's YAML.
    repo.commitFiles({ 'azure-pipelines.yml': 'trigger: none\nsteps:\n- script: echo off\n' }, 'turn CI off');
    const pipeline = await addPipeline(test, repo.path);

    const response = await sendGitHub(test, pipeline.id, 'push', githubPush('refs/heads/main', repo.commit, pushed));
    expect(response.statusCode).toBe(202);
    await runtimeOf(test).service.idle();

    const runs = await runsOf(test, pipeline.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toMatchObject({ reason: 'IndividualCI', branch: 'refs/heads/main', commit: pushed });
    expect(runs[0]!.requestedBy).toBe('github webhook');
  });

  it('push to an excluded branch queues nothing', async () => {
    const test = await start(false);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': MAIN_ONLY });
    git(repo.path, ['checkout', '--quiet', '-b', 'feature']);
    const feature = repo.commitFiles({ 'src/b.txt': 'b' }, 'feature work');
    const pipeline = await addPipeline(test, repo.path);

    await sendGitHub(test, pipeline.id, 'push', githubPush('refs/heads/feature', repo.commit, feature));
    await runtimeOf(test).service.idle();
    expect(await runsOf(test, pipeline.id)).toEqual([]);
  });

  it('skip-CI token in a commit queues nothing', async () => {
    const test = await start(false);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': MAIN_ONLY });
    const skipped = repo.commitFiles({ 'docs/x.md': 'x' }, 'Fix docs [skip ci]');
    const pipeline = await addPipeline(test, repo.path);

    await sendGitHub(test, pipeline.id, 'push', githubPush('refs/heads/main', repo.commit, skipped, ['Fix docs\n\n[skip ci]']));
    await runtimeOf(test).service.idle();
    expect(await runsOf(test, pipeline.id)).toEqual([]);
  });

  it('pull request runs with PR variables and commit statuses', async () => {
    const forge = await startFakeForge({ failFirst: 1 });
    cleanups.push(() => forge.close());
    const test = await start(true);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': 'pr:\n- main\nsteps:\n- script: echo "pr $(System.PullRequest.PullRequestNumber)"\n' });
    git(repo.path, ['checkout', '--quiet', '-b', 'feature']);
    const head = repo.commitFiles({ 'src/c.txt': 'c' }, 'feature work');
    git(repo.path, ['update-ref', 'refs/pull/7/head', head]);
    const pipeline = await addPipeline(test, repo.path);
    const runtime = runtimeOf(test);
    (runtime.reporter as unknown as { options: { retryDelaysMs: number[]; publicUrl: string } }).options.retryDelaysMs = [10, 10];
    (runtime.reporter as unknown as { options: { publicUrl: string } }).options.publicUrl = 'http://127.0.0.1:9/';
    await runtime.settings.set(pipeline.id, { forge: 'github', apiUrl: forge.url, repository: 'example-org/widget', token: FORGE_TOKEN });

    const response = await sendGitHub(test, pipeline.id, 'pull_request', githubPullRequest('opened', 7, 'feature', head));
    expect(response.statusCode).toBe(202);
    await runtime.service.idle();
    const [run] = await runsOf(test, pipeline.id);
    expect(run!.trigger).toEqual({ reason: 'PullRequest', branch: 'refs/pull/7/merge', commit: head, pullRequestNumber: 7 });
    expect(run!.variables).toMatchObject({
      'System.PullRequest.PullRequestNumber': { value: '7', isSecret: false },
      'System.PullRequest.SourceBranch': { value: 'feature' },
      'System.PullRequest.TargetBranch': { value: 'main' },
      'System.PullRequest.SourceCommitId': { value: head },
      'System.PullRequest.IsFork': { value: 'False' },
      'System.PullRequest.SourceRepositoryURI': { value: 'https://github.com/example-org/widget.git' },
    });

    const finished = await waitForRunCompletion(test, run!.id);
    expect(finished.result).toBe('succeeded');
    await runtime.reporter.idle();

    expect(forge.requests.map((request) => request.body.state)).toEqual(['pending', 'success']);
    for (const request of forge.requests) {
      expect(request.method).toBe('POST');
      expect(request.url).toBe(`/repos/example-org/widget/statuses/${head}`);
      expect(request.headers.authorization).toBe(`Bearer ${FORGE_TOKEN}`);
      expect(request.body.context).toBe(`sluice/${pipeline.name}`);
      expect(request.body.target_url).toBe(`http://127.0.0.1:9/runs/${run!.id}`);
    }
  });

  it('pull request update cancels the superseded run', async () => {
    const test = await start(false);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': 'steps:\n- script: echo pr\n' });
    git(repo.path, ['checkout', '--quiet', '-b', 'feature']);
    const first = repo.commitFiles({ 'src/d.txt': '1' }, 'first');
    git(repo.path, ['update-ref', 'refs/pull/8/head', first]);
    const pipeline = await addPipeline(test, repo.path);
    const runtime = runtimeOf(test);

    await sendGitHub(test, pipeline.id, 'pull_request', githubPullRequest('opened', 8, 'feature', first));
    await runtime.service.idle();
    const second = repo.commitFiles({ 'src/d.txt': '2' }, 'second');
    git(repo.path, ['update-ref', 'refs/pull/8/head', second]);
    await sendGitHub(test, pipeline.id, 'pull_request', githubPullRequest('synchronize', 8, 'feature', second));
    await runtime.service.idle();

    const runs = await runsOf(test, pipeline.id);
    expect(runs.map((run) => run.trigger.commit)).toEqual([first, second]);
    const canceled = await waitForRunCompletion(test, runs[0]!.id);
    expect(canceled.result).toBe('canceled');
    expect((await test.server.store.runs.get(runs[1]!.id))!.status).not.toBe('completed');
  });
});
