import { describe, expect, it } from 'vitest';
import { MAX_JOB_ATTEMPTS, type QueuedJob } from '../../src/store/job-queue.js';
import type { Store } from '../../src/store/open-store.js';
import { StoreError } from '../../src/store/store-error.js';
import { StoreErrorCode } from '../../src/store/store-error-codes.js';
import { DIALECTS, ManualClock, useTestDatabases } from './store-test-targets.js';

const databases = useTestDatabases();

const linux = { 'Agent.OS': 'Linux', python: '3.12' };

async function seedRun(store: Store): Promise<number> {
  const pipeline = await store.pipelines.create({ name: 'queue', repositoryUrl: 'https://git.example/queue.git' });
  const run = await store.runs.create({ pipelineId: pipeline.id, trigger: { reason: 'Manual', branch: 'refs/heads/main', commit: 'abc' }, requestedBy: 'ada' });
  return run.id;
}

describe.each(DIALECTS)('job queue on %s', (dialect) => {
  it('hands out jobs oldest first within the pools', async () => {
    const store = await (await databases.create(dialect)).open();
    const runId = await seedRun(store);
    const agent = await store.agents.register({ name: 'a1', pool: 'default', capabilities: linux });
    const first = await store.jobs.enqueue({ runId, recordId: 'Build.A', pool: 'default', payload: { jobName: 'A' } });
    await store.jobs.enqueue({ runId, recordId: 'Build.B', pool: 'gpu', payload: { jobName: 'B' } });
    const third = await store.jobs.enqueue({ runId, recordId: 'Build.C', pool: 'default', payload: { jobName: 'C' } });

    const request = { agentId: agent.id, pools: ['default'], capabilities: linux, leaseSeconds: 60 };
    const claimed = await store.jobs.claimNextJob(request);
    expect(claimed).toMatchObject({ id: first.id, status: 'leased', leaseOwner: agent.id, attempts: 1, payload: { jobName: 'A' } });
    expect((await store.jobs.claimNextJob(request))?.id).toBe(third.id);
    expect(await store.jobs.claimNextJob(request)).toBeUndefined();
    expect(await store.jobs.claimNextJob({ ...request, pools: [] })).toBeUndefined();
  });

  it('skips jobs whose demands the agent does not meet', async () => {
    const store = await (await databases.create(dialect)).open();
    const runId = await seedRun(store);
    const agent = await store.agents.register({ name: 'a1', pool: 'default', capabilities: linux });
    await store.jobs.enqueue({ runId, recordId: 'Build.Win', pool: 'default', demands: ['Agent.OS -equals Windows_NT'], payload: {} });
    await store.jobs.enqueue({ runId, recordId: 'Build.Docker', pool: 'default', demands: ['docker'], payload: {} });
    const fits = await store.jobs.enqueue({ runId, recordId: 'Build.Py', pool: 'default', demands: ['python', 'agent.os -equals linux'], payload: {} });

    const claimed = await store.jobs.claimNextJob({ agentId: agent.id, pools: ['default'], capabilities: linux, leaseSeconds: 60 });
    expect(claimed?.id).toBe(fits.id);
    expect((await store.jobs.list({ status: 'queued' })).map((job) => job.recordId)).toEqual(['Build.Win', 'Build.Docker']);
  });

  it('gives a vmImage job only to agents that can run the image', async () => {
    const store = await (await databases.create(dialect)).open();
    const runId = await seedRun(store);
    const hosted = 'Azure Pipelines';
    const mac = await store.agents.register({ name: 'mac', pool: hosted, capabilities: { 'Agent.OS': 'Darwin' } });
    const lister = await store.agents.register({ name: 'lister', pool: hosted, capabilities: { 'Agent.OS': 'Linux', vmImage: 'ubuntu-22.04' } });
    const linuxAgent = await store.agents.register({ name: 'linux', pool: hosted, capabilities: { 'Agent.OS': 'Linux' } });
    const windowsJob = await store.jobs.enqueue({ runId, recordId: 'Build.Windows', pool: hosted, vmImage: 'windows-latest', payload: {} });
    const ubuntuJob = await store.jobs.enqueue({ runId, recordId: 'Build.Ubuntu', pool: hosted, vmImage: 'ubuntu-latest', payload: {} });
    const pinnedJob = await store.jobs.enqueue({ runId, recordId: 'Build.Pinned', pool: hosted, vmImage: 'Ubuntu-22.04', payload: {} });
    expect(windowsJob.vmImage).toBe('windows-latest');

    const claim = (agent: { id: number; capabilities: Record<string, string> }) =>
      store.jobs.claimNextJob({ agentId: agent.id, pools: [hosted], capabilities: agent.capabilities, leaseSeconds: 60 });
    // Darwin runs macOS images only; the agent that lists images runs only those, whatever its OS.
    expect(await claim(mac)).toBeUndefined();
    expect((await claim(lister))?.id).toBe(pinnedJob.id);
    expect(await claim(lister)).toBeUndefined();
    expect((await claim(linuxAgent))?.id).toBe(ubuntuJob.id);
    expect(await claim(linuxAgent)).toBeUndefined();
    expect(await store.jobs.get(windowsJob.id)).toMatchObject({ status: 'queued', vmImage: 'windows-latest' });
  });

  it('rejects a job of an unknown run', async () => {
    const store = await (await databases.create(dialect)).open();
    const error = await store.jobs.enqueue({ runId: 4242, recordId: 'Build.A', pool: 'default', payload: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(StoreErrorCode.NotFound);
    expect((error as StoreError).message).toContain("run '4242'");
  });

  it('rejects a lease outside its limits', async () => {
    const store = await (await databases.create(dialect)).open();
    const error = await store.jobs.claimNextJob({ agentId: 1, pools: ['default'], capabilities: {}, leaseSeconds: 0 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(StoreErrorCode.InvalidArgument);
  });

  it('requeues once, then fails on the second lost lease', async () => {
    const clock = new ManualClock();
    const store = await (await databases.create(dialect)).open({ now: clock.now });
    const runId = await seedRun(store);
    const first = await store.agents.register({ name: 'flaky-1', pool: 'default', capabilities: {} });
    const second = await store.agents.register({ name: 'flaky-2', pool: 'default', capabilities: {} });
    const job = await store.jobs.enqueue({ runId, recordId: 'Build.A', pool: 'default', payload: {} });

    await store.jobs.claimNextJob({ agentId: first.id, pools: ['default'], capabilities: {}, leaseSeconds: 30 });
    clock.advance(20);
    expect(await store.jobs.requeueExpiredLeases()).toEqual({ requeued: [], failed: [] });
    clock.advance(11);
    const firstLoss = await store.jobs.requeueExpiredLeases();
    expect(firstLoss).toEqual({ requeued: [{ jobId: job.id, runId, recordId: 'Build.A', agentId: first.id, agentName: 'flaky-1', attempt: 1 }], failed: [] });
    expect((await store.jobs.get(job.id))?.status).toBe('queued');

    const again = await store.jobs.claimNextJob({ agentId: second.id, pools: ['default'], capabilities: {}, leaseSeconds: 30 });
    expect(again).toMatchObject({ id: job.id, attempts: MAX_JOB_ATTEMPTS, leaseOwner: second.id });
    clock.advance(31);
    const secondLoss = await store.jobs.requeueExpiredLeases();
    expect(secondLoss.requeued).toEqual([]);
    expect(secondLoss.failed).toEqual([{ jobId: job.id, runId, recordId: 'Build.A', agentId: second.id, agentName: 'flaky-2', attempt: 2 }]);

    const failed = await store.jobs.get(job.id);
    expect(failed).toMatchObject({ status: 'failed', result: 'failed' });
    expect(failed?.failureReason).toContain("agent 'flaky-2' stopped sending heartbeats during attempt 2");
    expect(await store.jobs.requeueExpiredLeases()).toEqual({ requeued: [], failed: [] });
  });

  it('renews leases on heartbeat', async () => {
    const clock = new ManualClock();
    const store = await (await databases.create(dialect)).open({ now: clock.now });
    const runId = await seedRun(store);
    const agent = await store.agents.register({ name: 'steady', pool: 'default', capabilities: {} });
    const job = await store.jobs.enqueue({ runId, recordId: 'Build.A', pool: 'default', payload: {} });
    await store.jobs.claimNextJob({ agentId: agent.id, pools: ['default'], capabilities: {}, leaseSeconds: 30 });

    for (let beat = 0; beat < 5; beat += 1) {
      clock.advance(20);
      expect(await store.jobs.renewLeases(agent.id, 30)).toBe(1);
      expect(await store.jobs.requeueExpiredLeases()).toEqual({ requeued: [], failed: [] });
    }
    expect((await store.jobs.get(job.id))?.leaseExpiresAt).toBe('2026-03-01T12:02:10.000Z');

    await store.jobs.complete(job.id, agent.id, 'succeeded');
    expect(await store.jobs.get(job.id)).toMatchObject({ status: 'completed', result: 'succeeded' });
    expect(await store.jobs.renewLeases(agent.id, 30)).toBe(0);
  });

  it('rejects a result from an agent that lost the lease', async () => {
    const clock = new ManualClock();
    const store = await (await databases.create(dialect)).open({ now: clock.now });
    const runId = await seedRun(store);
    const lost = await store.agents.register({ name: 'lost', pool: 'default', capabilities: {} });
    const winner = await store.agents.register({ name: 'winner', pool: 'default', capabilities: {} });
    const job = await store.jobs.enqueue({ runId, recordId: 'Build.A', pool: 'default', payload: {} });
    await store.jobs.claimNextJob({ agentId: lost.id, pools: ['default'], capabilities: {}, leaseSeconds: 10 });
    clock.advance(11);
    await store.jobs.requeueExpiredLeases();
    await store.jobs.claimNextJob({ agentId: winner.id, pools: ['default'], capabilities: {}, leaseSeconds: 10 });

    const error = await store.jobs.complete(job.id, lost.id, 'succeeded').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(StoreErrorCode.LeaseLost);
    expect((error as StoreError).message).toContain(`leased to agent ${winner.id}`);
    expect(await store.jobs.cancel(job.id)).toBe(true);
    expect(await store.jobs.cancel(job.id)).toBe(false);
  });

  it('two stores claim 200 jobs exactly once', async () => {
    const database = await databases.create(dialect);
    const stores = [await database.open(), await database.open()];
    const runId = await seedRun(stores[0]!);
    const agents = await Promise.all([0, 1, 2, 3].map((index) => stores[0]!.agents.register({ name: `agent-${index}`, pool: 'default', capabilities: linux })));
    for (let index = 0; index < 200; index += 1) {
      await stores[index % 2]!.jobs.enqueue({ runId, recordId: `Build.Job${index}`, pool: 'default', payload: { index } });
    }

    const claimLoop = async (store: Store, agentId: number): Promise<QueuedJob[]> => {
      const claimed: QueuedJob[] = [];
      for (;;) {
        const job = await store.jobs.claimNextJob({ agentId, pools: ['default'], capabilities: linux, leaseSeconds: 60 });
        if (job === undefined) return claimed;
        claimed.push(job);
      }
    };
    const results = await Promise.all(agents.map((agent, index) => claimLoop(stores[index % 2]!, agent.id)));

    const ids = results.flat().map((job) => job.id);
    expect(ids).toHaveLength(200);
    expect(new Set(ids).size).toBe(200);
    const leased = await stores[1]!.jobs.list({ status: 'leased' });
    expect(leased).toHaveLength(200);
    for (const [index, agent] of agents.entries()) {
      const owned = leased.filter((job) => job.leaseOwner === agent.id).map((job) => job.id);
      expect(owned.sort()).toEqual(results[index]!.map((job) => job.id).sort());
    }
    expect(leased.every((job) => job.attempts === 1)).toBe(true);
  });
});
