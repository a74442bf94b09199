import { afterEach, describe, expect, it } from 'vitest';
import { ScheduleLoop } from '../../src/server/triggers/schedule-loop.js';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createTestRepository, startTestServer, waitUntil, type TestServer } from '../server/server-test-helpers.js';
import { addPipeline, githubPush, runsOf, runtimeOf, sendGitHub } from './trigger-test-helpers.js';

const PUSHES = 100;

describe('polling, schedules and batches', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function start(localAgent: boolean): Promise<TestServer> {
    const test = await startTestServer({ localAgent });
    cleanups.push(() => test.cleanup());
    return test;
  }

  it('100 pushes give every commit a run', async () => {
    const test = await start(false);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': 'trigger:\n- main\nsteps:\n- script: echo built\n' });
    const commits = [repo.commit];
    for (let index = 1; index <= PUSHES; index += 1) commits.push(repo.commitFiles({ 'count.txt': String(index) }, `push ${index}`));
    const pipeline = await addPipeline(test, repo.path);

    const responses = await Promise.all(
      commits.slice(1).map((after, index) => sendGitHub(test, pipeline.id, 'push', githubPush('refs/heads/main', commits[index]!, after))),
    );
    expect(responses.every((response) => response.statusCode === 202)).toBe(true);
    await runtimeOf(test).service.idle();

    const runs = await runsOf(test, pipeline.id);
    expect(runs).toHaveLength(PUSHES);
    expect(new Set(runs.map((run) => run.trigger.commit))).toEqual(new Set(commits.slice(1)));
    expect(runs.every((run) => run.trigger.reason === 'IndividualCI')).toBe(true);
  }, 120_000);

  it('100 pushes with batch give one batched run', async () => {
    const test = await start(true);
    // The first run waits for a marker file, so every push arrives while it is in progress.
    const marker = join(test.root, 'release-first-run');
    const script = `while [ ! -f '${marker}' ]; do sleep 0.05; done`;
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': `trigger:\n  batch: true\n  branches:\n    include: [main]\nsteps:\n- script: ${script}\n` });
    const commits = [repo.commit];
    for (let index = 1; index <= PUSHES; index += 1) commits.push(repo.commitFiles({ 'count.txt': String(index) }, `push ${index}`));
    const pipeline = await addPipeline(test, repo.path);

    await Promise.all(commits.slice(1).map((after, index) => sendGitHub(test, pipeline.id, 'push', githubPush('refs/heads/main', commits[index]!, after))));
    await runtimeOf(test).service.idle();
    expect(await runsOf(test, pipeline.id)).toHaveLength(1);
    writeFileSync(marker, '');
    expect(existsSync(marker)).toBe(true);

    const runs = await waitUntil(async () => {
      const all = await runsOf(test, pipeline.id);
      return all.length >= 2 ? all : undefined;
    });
    expect(runs).toHaveLength(2);
    expect(runs[0]!.trigger).toMatchObject({ reason: 'IndividualCI', commit: commits[1] });
    expect(runs[1]!.trigger).toMatchObject({ reason: 'BatchedCI', commit: commits[PUSHES] });
  }, 120_000);

  it('polling detects a new commit', async () => {
    const test = await start(false);
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': 'steps:\n- script: echo polled\n' });
    const pipeline = await addPipeline(test, repo.path, { pollingIntervalSeconds: 3600 });
    const poller = runtimeOf(test).poller;

    expect(await poller.pollOnce(pipeline)).toEqual([]);
    const next = repo.commitFiles({ 'src/e.txt': 'e' }, 'polled change');
    const outcomes = await poller.pollOnce(pipeline);
    await runtimeOf(test).service.idle();
    expect(outcomes.map((outcome) => outcome.reason)).toEqual(['the branch matches the trigger']);

    const runs = await runsOf(test, pipeline.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toMatchObject({ reason: 'IndividualCI', branch: 'refs/heads/main', commit: next });
    expect(runs[0]!.requestedBy).toBe('poller');
  });

  it('schedule fires at its cron time', async () => {
    const test = await start(false);
    const yaml = "trigger: none\nschedules:\n- cron: '0 3 * * *'\n  displayName: nightly\n  branches:\n    include: [main]\n  always: true\nsteps:\n- script: echo nightly\n";
    const repo = createTestRepository(test.root, { 'azure-pipelines.yml': yaml });
    const pipeline = await addPipeline(test, repo.path);
    let now = new Date('2025-06-02T02:58:30Z');
    const loop = new ScheduleLoop({ service: runtimeOf(test).service, clock: { now: () => now } });

    expect(await loop.tick()).toEqual([]);
    now = new Date('2025-06-02T02:59:30Z');
    await loop.tick();
    expect(await runsOf(test, pipeline.id)).toEqual([]);

    now = new Date('2025-06-02T03:00:10Z');
    await loop.tick();
    const runs = await runsOf(test, pipeline.id);
    expect(runs).toHaveLength(1);
    expect(runs[0]!.trigger).toMatchObject({ reason: 'Schedule', branch: 'refs/heads/main', commit: repo.commit });
    expect(runs[0]!.requestedBy).toBe('schedule nightly');
  });
});
