import { describe, expect, it } from 'vitest';
import type { RecordRef, RunEvent } from '../../src/events/run-event.js';
import { Timeline } from '../../src/events/timeline.js';
import { recordRunEvent } from '../../src/store/record-run-event.js';
import { StoreError } from '../../src/store/store-error.js';
import { StoreErrorCode } from '../../src/store/store-error-codes.js';
import { hashToken } from '../../src/store/token-repository.js';
import { DIALECTS, ManualClock, useTestDatabases } from './store-test-targets.js';

const databases = useTestDatabases();

const stage: RecordRef = { id: 'Build', type: 'stage', name: 'Build', displayName: 'Build' };
const job: RecordRef = { id: 'Build.Test', parentId: 'Build', type: 'job', name: 'Test', displayName: 'Run tests' };
const step: RecordRef = { id: 'Build.Test.1', parentId: 'Build.Test', type: 'step', name: 'pytest', displayName: 'pytest' };

async function rejection(promise: Promise<unknown>): Promise<StoreError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(StoreError);
  return error as StoreError;
}

describe.each(DIALECTS)('store repositories on %s', (dialect) => {
  async function openWithPipeline(options: Parameters<Awaited<ReturnType<typeof databases.create>>['open']>[0] = {}) {
    const database = await databases.create(dialect);
    const store = await database.open(options);
    const pipeline = await store.pipelines.create({ name: 'widgets', repositoryUrl: 'https://git.example/widgets.git', pollingIntervalSeconds: 60 });
    return { database, store, pipeline };
  }

  function newRun(pipelineId: number) {
    return { pipelineId, trigger: { reason: 'IndividualCI' as const, branch: 'refs/heads/main', commit: 'a1b2c3' }, requestedBy: 'ci' };
  }

  it('pipelines create, update and reject duplicate names', async () => {
    const { store, pipeline } = await openWithPipeline();

    expect(pipeline).toMatchObject({ name: 'widgets', yamlPath: 'azure-pipelines.yml', defaultBranch: 'main', pollingIntervalSeconds: 60, hasWebhookSecret: false });
    const duplicate = await rejection(store.pipelines.create({ name: 'widgets', repositoryUrl: 'https://other.example/x.git' }));
    expect(duplicate.code).toBe(StoreErrorCode.AlreadyExists);

    const updated = await store.pipelines.update(pipeline.id, { yamlPath: 'ci/pipeline.yml', pollingIntervalSeconds: null });
    expect(updated.yamlPath).toBe('ci/pipeline.yml');
    expect(updated.pollingIntervalSeconds).toBeUndefined();
    expect(await store.pipelines.list({ polled: true })).toEqual([]);
    expect((await store.pipelines.list()).map((entry) => entry.name)).toEqual(['widgets']);

    const missing = await rejection(store.pipelines.update(9999, { yamlPath: 'x.yml' }));
    expect(missing.code).toBe(StoreErrorCode.NotFound);
    const badInterval = await rejection(store.pipelines.create({ name: 'bad', repositoryUrl: 'x', pollingIntervalSeconds: 0.5 }));
    expect(badInterval.code).toBe(StoreErrorCode.InvalidArgument);
  });

  it('pipelines keep the webhook secret encrypted', async () => {
    const { store, pipeline } = await openWithPipeline();

    const updated = await store.pipelines.update(pipeline.id, { webhookSecret: 'whsec-topsecret-1' });
    expect(updated.hasWebhookSecret).toBe(true);
    expect(await store.pipelines.webhookSecret(pipeline.id)).toBe('whsec-topsecret-1');

    const raw = await store.db.selectFrom('pipelines').select('webhook_secret_sealed').where('id', '=', pipeline.id).executeTakeFirstOrThrow();
    expect(raw.webhook_secret_sealed).not.toContain('whsec-topsecret-1');
    expect(raw.webhook_secret_sealed).toMatch(/^v1:/);
  });

  it('runs keep secret queue-time variables encrypted', async () => {
    const { store, pipeline } = await openWithPipeline();

    const run = await store.runs.create({
      ...newRun(pipeline.id),
      parameters: { python: ['3.11', '3.12'] },
      variables: { config: { value: 'Release', isSecret: false }, token: { value: 'pa55-w0rd', isSecret: true } },
    });

    expect(run.status).toBe('queued');
    expect(run.parameters).toEqual({ python: ['3.11', '3.12'] });
    expect(run.variables).toEqual({ config: { value: 'Release', isSecret: false }, token: { value: '***', isSecret: true } });
    expect(await store.runs.queueTimeVariables(run.id)).toEqual({
      config: { value: 'Release', isSecret: false },
      token: { value: 'pa55-w0rd', isSecret: true },
    });
    const raw = await store.db.selectFrom('runs').select('variables_json').where('id', '=', run.id).executeTakeFirstOrThrow();
    expect(raw.variables_json).not.toContain('pa55-w0rd');
  });

  it('runs reject secrets without a server key', async () => {
    const { database } = await openWithPipeline();
    const keyless = await database.open({ secretKey: undefined });
    const pipeline = (await keyless.pipelines.getByName('widgets'))!;

    const error = await rejection(keyless.runs.create({ ...newRun(pipeline.id), variables: { token: { value: 'pa55-w0rd', isSecret: true } } }));
    expect(error.code).toBe(StoreErrorCode.SecretKeyMissing);
    expect(error.message).not.toContain('pa55-w0rd');
    expect(await keyless.runs.list()).toEqual([]);
  });

  it('runs refuse to decrypt with another key', async () => {
    const { database, store, pipeline } = await openWithPipeline();
    const run = await store.runs.create({ ...newRun(pipeline.id), variables: { token: { value: 'pa55-w0rd', isSecret: true } } });
    const otherKey = await database.open({ secretKey: Buffer.alloc(32, 9) });

    const error = await rejection(otherKey.runs.queueTimeVariables(run.id));
    expect(error.code).toBe(StoreErrorCode.SecretKeyInvalid);
  });

  it('runs move through their statuses and list newest first', async () => {
    const clock = new ManualClock();
    const { store, pipeline } = await openWithPipeline({ now: clock.now });
    const first = await store.runs.create(newRun(pipeline.id));
    const second = await store.runs.create({ ...newRun(pipeline.id), trigger: { reason: 'PullRequest', branch: 'refs/pull/7/merge', commit: 'ffee', pullRequestNumber: 7 } });

    await store.runs.setRunNumber(first.id, '20260301.1');
    clock.advance(5);
    await store.runs.markStarted(first.id);
    clock.advance(5);
    await store.runs.markStarted(first.id);
    clock.advance(60);
    await store.runs.complete(first.id, 'failed', 'Job Test failed');

    const done = await store.runs.get(first.id);
    expect(done).toMatchObject({ runNumber: '20260301.1', status: 'completed', result: 'failed', reason: 'Job Test failed' });
    expect(done?.startedAt).toBe('2026-03-01T12:00:05.000Z');
    expect(done?.finishedAt).toBe('2026-03-01T12:01:10.000Z');

    expect(await store.runs.requestCancel(second.id)).toBe(true);
    expect(await store.runs.requestCancel(first.id)).toBe(false);
    expect((await store.runs.list()).map((run) => run.id)).toEqual([second.id, first.id]);
    expect((await store.runs.list({ limit: 1 })).map((run) => run.id)).toEqual([second.id]);
    expect((await store.runs.list({ beforeId: second.id })).map((run) => run.id)).toEqual([first.id]);
    expect((await store.runs.list({ status: 'cancelling' }))[0]?.trigger).toEqual({ reason: 'PullRequest', branch: 'refs/pull/7/merge', commit: 'ffee', pullRequestNumber: 7 });
    expect((await store.runs.list({ branch: 'refs/heads/main' })).map((run) => run.id)).toEqual([first.id]);
    const missing = await rejection(store.runs.complete(9999, 'succeeded'));
    expect(missing.code).toBe(StoreErrorCode.NotFound);
    const orphan = await rejection(store.runs.create(newRun(9999)));
    expect(orphan.code).toBe(StoreErrorCode.NotFound);
    expect(orphan.message).toContain("pipeline '9999'");
  });

  it('timeline matches the in-memory timeline', async () => {
    const { store, pipeline } = await openWithPipeline();
    const run = await store.runs.create(newRun(pipeline.id));
    const events: RunEvent[] = [
      { type: 'record-started', record: stage, time: '2026-03-01T12:00:00.000Z' },
      { type: 'record-started', record: job, time: '2026-03-01T12:00:01.000Z' },
      { type: 'record-started', record: step, time: '2026-03-01T12:00:02.000Z' },
      { type: 'issue', recordId: step.id, issueType: 'error', message: 'test_parse failed', sourcePath: 'tests/test_a.py', line: 12, column: 4, code: 'E1', time: '2026-03-01T12:00:03.000Z' },
      { type: 'record-finished', record: step, result: 'failed', reason: 'exit code 1', time: '2026-03-01T12:00:04.000Z' },
      { type: 'record-finished', record: { ...job, displayName: 'Run tests (py3.12)' }, result: 'failed', time: '2026-03-01T12:00:05.000Z' },
      { type: 'record-finished', record: stage, result: 'failed', time: '2026-03-01T12:00:06.000Z' },
    ];
    const memory = new Timeline();
    for (const event of events) {
      memory.apply(event);
      await store.timeline.applyEvent(run.id, event, { agentName: 'linux-1' });
    }

    const stored = await store.timeline.list(run.id);
    const expected = [...memory.walk()].map((record) => ({
      id: record.id,
      state: record.state,
      result: record.result,
      displayName: record.displayName,
      startTime: record.startTime,
      finishTime: record.finishTime,
      issues: record.issues.map((issue) => issue.message),
    }));
    expect(
      stored.map((record) => ({
        id: record.id,
        state: record.state,
        result: record.result,
        displayName: record.displayName,
        startTime: record.startTime,
        finishTime: record.finishTime,
        issues: record.issues.map((issue) => issue.message),
      })),
    ).toEqual(expected);
    expect(stored[2]).toMatchObject({ parentId: 'Build.Test', reason: 'exit code 1', agentName: 'linux-1', attempt: 1 });
    expect(stored[2]?.issues[0]).toEqual({
      type: 'error',
      message: 'test_parse failed',
      sourcePath: 'tests/test_a.py',
      line: 12,
      column: 4,
      code: 'E1',
      time: '2026-03-01T12:00:03.000Z',
    });
  });

  it('timeline keeps pending records and attempts apart', async () => {
    const { store, pipeline } = await openWithPipeline();
    const run = await store.runs.create(newRun(pipeline.id));

    await store.timeline.addPending(run.id, [stage, job]);
    await store.timeline.addPending(run.id, [stage, job]);
    expect((await store.timeline.list(run.id)).map((record) => [record.id, record.state])).toEqual([
      ['Build', 'pending'],
      ['Build.Test', 'pending'],
    ]);

    await store.timeline.applyEvent(run.id, { type: 'record-finished', record: job, result: 'failed', time: '2026-03-01T12:00:05.000Z' }, { attempt: 1 });
    await store.timeline.applyEvent(run.id, { type: 'record-started', record: job, time: '2026-03-01T12:10:00.000Z' }, { attempt: 2, agentName: 'linux-2' });

    const latest = await store.timeline.get(run.id, job.id);
    expect(latest).toMatchObject({ attempt: 2, state: 'inProgress', agentName: 'linux-2', startTime: '2026-03-01T12:10:00.000Z' });
    const first = await store.timeline.get(run.id, job.id, 1);
    expect(first).toMatchObject({ attempt: 1, state: 'completed', result: 'failed', startTime: '2026-03-01T12:00:05.000Z' });
    expect((await store.timeline.list(run.id)).map((record) => `${record.id}#${record.attempt}`)).toEqual(['Build#1', 'Build.Test#2']);
    expect((await store.timeline.list(run.id, { attempt: 1 })).map((record) => `${record.id}#${record.state}`)).toEqual(['Build#pending', 'Build.Test#completed']);
  });

  it('timeline keeps the agent name when events without one race with the claim', async () => {
    const { database, store, pipeline } = await openWithPipeline();
    const other = await database.open();
    const run = await store.runs.create(newRun(pipeline.id));
    const jobs: RecordRef[] = Array.from({ length: 30 }, (_, index) => ({ ...job, id: `Build.Leg${index}`, name: `Leg${index}` }));
    await store.timeline.addPending(run.id, [stage, ...jobs]);

    // The server records a job's start (no agent) while the claim records it with the agent, from another connection.
    await Promise.all(
      jobs.flatMap((record, index) => [
        store.timeline.applyEvent(run.id, { type: 'record-started', record, time: `2026-03-01T12:00:${String(index).padStart(2, '0')}.000Z` }),
        other.timeline.applyEvent(run.id, { type: 'record-started', record, time: '2026-03-01T12:01:00.000Z' }, { agentName: 'agent-b' }),
      ]),
    );
    await Promise.all(jobs.map((record) => store.timeline.applyEvent(run.id, { type: 'record-finished', record, result: 'succeeded', time: '2026-03-01T12:02:00.000Z' })));

    const records = (await store.timeline.list(run.id)).filter((record) => record.type === 'job');
    expect(records).toHaveLength(jobs.length);
    for (const record of records) {
      expect(record).toMatchObject({ state: 'completed', agentName: 'agent-b' });
      expect(record.startTime).toMatch(/^2026-03-01T12:0[01]:/);
    }
  });

  it('events are routed to timeline, variables and logs', async () => {
    const { store, pipeline } = await openWithPipeline();
    const run = await store.runs.create(newRun(pipeline.id));
    const events: RunEvent[] = [
      { type: 'run-started', runId: String(run.id), pipeline: 'widgets', time: '2026-03-01T12:00:00.000Z' },
      { type: 'record-started', record: step, time: '2026-03-01T12:00:01.000Z' },
      { type: 'log', recordId: step.id, stream: 'stdout', line: 'collected 3 items', time: '2026-03-01T12:00:02.000Z' },
      { type: 'variable-set', recordId: step.id, name: 'version', value: '1.2.3', isSecret: false, isOutput: true, time: '2026-03-01T12:00:03.000Z' },
      { type: 'variable-set', recordId: step.id, name: 'apiKey', value: 'leaked-if-stored', isSecret: true, isOutput: false, time: '2026-03-01T12:00:04.000Z' },
    ];
    for (const event of events) await recordRunEvent(store, run.id, event);

    expect((await store.runs.get(run.id))?.status).toBe('inProgress');
    expect((await store.timeline.get(run.id, step.id))?.state).toBe('inProgress');
    expect((await store.logs.read(run.id, step.id)).map((line) => line.text)).toEqual(['collected 3 items']);
    const variables = await store.variables.list(run.id, step.id);
    expect(variables.map((variable) => [variable.name, variable.value, variable.isSecret, variable.isOutput])).toEqual([
      ['version', '1.2.3', false, true],
      ['apiKey', '***', true, false],
    ]);
  });

  it('artifacts are indexed once per name', async () => {
    const { store, pipeline } = await openWithPipeline();
    const run = await store.runs.create(newRun(pipeline.id));

    await store.artifacts.record({ runId: run.id, recordId: job.id, name: 'wheel', manifestRef: 'ab'.repeat(32), sizeBytes: 5_000_000_000, fileCount: 3 });
    await store.artifacts.record({ runId: run.id, name: 'docs', manifestRef: 'cd'.repeat(32), sizeBytes: 10, fileCount: 1 });
    const duplicate = await rejection(store.artifacts.record({ runId: run.id, name: 'wheel', manifestRef: 'ef'.repeat(32), sizeBytes: 1, fileCount: 1 }));

    expect(duplicate.code).toBe(StoreErrorCode.AlreadyExists);
    expect((await store.artifacts.list(run.id)).map((entry) => entry.name)).toEqual(['docs', 'wheel']);
    expect(await store.artifacts.get(run.id, 'wheel')).toMatchObject({ recordId: job.id, sizeBytes: 5_000_000_000, fileCount: 3 });
    expect(await store.artifacts.get(run.id, 'missing')).toBeUndefined();
  });

  it('test results add up per run', async () => {
    const { store, pipeline } = await openWithPipeline();
    const run = await store.runs.create(newRun(pipeline.id));

    await store.testResults.record({ runId: run.id, recordId: job.id, title: 'py3.11', format: 'JUnit', summary: { total: 10, passed: 8, failed: 1, skipped: 1, durationMs: 1500 } });
    await store.testResults.record({ runId: run.id, title: 'py3.12', format: 'NUnit', summary: { total: 5, passed: 5, failed: 0, skipped: 0, durationMs: 500 } });

    expect((await store.testResults.list(run.id)).map((testRun) => testRun.title)).toEqual(['py3.11', 'py3.12']);
    expect(await store.testResults.totals(run.id)).toEqual({ total: 15, passed: 13, failed: 1, skipped: 1, durationMs: 2000 });
  });

  it('agents register, beat and go offline', async () => {
    const clock = new ManualClock();
    const { store } = await openWithPipeline({ now: clock.now });

    const agent = await store.agents.register({ name: 'linux-1', pool: 'default', capabilities: { 'Agent.OS': 'Linux', python: '3.12' }, version: '0.1.0' });
    expect(agent).toMatchObject({ status: 'online', lastHeartbeatAt: '2026-03-01T12:00:00.000Z', capabilities: { 'Agent.OS': 'Linux', python: '3.12' } });
    const duplicate = await rejection(store.agents.register({ name: 'linux-1', pool: 'default', capabilities: {} }));
    expect(duplicate.code).toBe(StoreErrorCode.AlreadyExists);
    const replaced = await store.agents.register({ name: 'linux-1', pool: 'gpu', capabilities: { cuda: '12' } }, { replace: true });
    expect(replaced).toMatchObject({ id: agent.id, pool: 'gpu', capabilities: { cuda: '12' } });

    const other = await store.agents.register({ name: 'mac-1', pool: 'default', capabilities: {} });
    clock.advance(90);
    await store.agents.heartbeat(other.id);
    const stale = await store.agents.markStaleOffline(60);
    expect(stale.map((entry) => entry.name)).toEqual(['linux-1']);
    expect((await store.agents.get(agent.id))?.status).toBe('offline');

    const back = await store.agents.heartbeat(agent.id, { cuda: '12', docker: '27' });
    expect(back).toMatchObject({ status: 'online', capabilities: { cuda: '12', docker: '27' }, lastHeartbeatAt: '2026-03-01T12:01:30.000Z' });
    await store.agents.setDisabled(agent.id, true);
    expect((await store.agents.heartbeat(agent.id)).status).toBe('disabled');
    expect((await store.agents.list({ pool: 'default' })).map((entry) => entry.name)).toEqual(['mac-1']);
    expect(await store.agents.remove(other.id)).toBe(true);
    expect(await store.agents.getByName('mac-1')).toBeUndefined();
  });

  it('tokens are stored hashed and verified by kind', async () => {
    const clock = new ManualClock();
    const { store } = await openWithPipeline({ now: clock.now });

    const admin = await store.tokens.create({ kind: 'admin', name: 'bootstrap' });
    const personal = await store.tokens.create({ kind: 'personal', name: 'laptop', owner: 'ada', expiresAt: '2026-03-02T00:00:00.000Z' });
    expect(admin.token).toMatch(/^sla_[A-Za-z0-9_-]{43}$/);
    expect(personal.token).toMatch(/^slp_/);

    const rows = await store.db.selectFrom('tokens').select(['token_hash']).orderBy('id').execute();
    expect(rows.map((row) => row.token_hash)).toEqual([hashToken(admin.token), hashToken(personal.token)]);

    expect((await store.tokens.verify(admin.token))?.name).toBe('bootstrap');
    expect(await store.tokens.verify(admin.token, ['agent'])).toBeUndefined();
    expect((await store.tokens.verify(personal.token, ['personal']))).toMatchObject({ owner: 'ada', lastUsedAt: '2026-03-01T12:00:00.000Z' });
    expect(await store.tokens.verify(`${personal.token}x`)).toBeUndefined();

    clock.advance(24 * 3600);
    expect(await store.tokens.verify(personal.token)).toBeUndefined();
    expect(await store.tokens.revoke(admin.record.id)).toBe(true);
    expect(await store.tokens.revoke(admin.record.id)).toBe(false);
    expect(await store.tokens.verify(admin.token)).toBeUndefined();
    expect((await store.tokens.list({ owner: 'ada' })).map((token) => token.name)).toEqual(['laptop']);
  });

  it('counters count per pipeline, kind and prefix', async () => {
    const { store, pipeline } = await openWithPipeline();
    const other = await store.pipelines.create({ name: 'gadgets', repositoryUrl: 'https://git.example/gadgets.git' });

    expect(await store.counters.next(pipeline.id, '1.2', 100)).toBe(100);
    expect(await store.counters.next(pipeline.id, '1.2', 100)).toBe(101);
    expect(await store.counters.next(pipeline.id, '1.3', 0)).toBe(0);
    expect(await store.counters.next(pipeline.id, '1.2', 100)).toBe(102);
    expect(await store.counters.next(other.id, '1.2', 100)).toBe(100);
    expect(await store.counters.nextRevision(pipeline.id, '1.2')).toBe(1);
    expect(await store.counters.nextRevision(pipeline.id, '1.2')).toBe(2);
    expect(await store.counters.current(pipeline.id, 'counter', '1.2')).toBe(102);
    expect(await store.counters.current(pipeline.id, 'revision', 'never')).toBeUndefined();
  });

  it('counters hand out distinct values concurrently', async () => {
    const { database, store, pipeline } = await openWithPipeline();
    const second = await database.open();

    const values = await Promise.all(Array.from({ length: 40 }, (_, index) => (index % 2 === 0 ? store : second).counters.nextRevision(pipeline.id, '20260301')));
    expect([...values].sort((a, b) => a - b)).toEqual(Array.from({ length: 40 }, (_, index) => index + 1));
  });
});
