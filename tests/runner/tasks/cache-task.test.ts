import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.js';
import { bash, cleanupTempDirs, makeRequest, makeTempDir, runJob, taskStep } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

/** Finds the record-finished event of the "Post-job: Cache" step, when the job emitted one. */
function postJobCache(events: RunEvent[]): Extract<RunEvent, { type: 'record-finished' }> | undefined {
  return events.find((event): event is Extract<RunEvent, { type: 'record-finished' }> => event.type === 'record-finished' && event.record.displayName === 'Post-job: Cache');
}

const cacheStep = (key: string, restoreKeys = ''): ReturnType<typeof taskStep> =>
  taskStep('Cache', '2', { key, restoreKeys, path: '$(Pipeline.Workspace)/.pip', cacheHitVar: 'CACHE_RESTORED' });

describe('Cache@2', () => {
  it('saves on a miss and restores on the next run', async () => {
    const cacheRoot = makeTempDir();
    const first = await runJob(makeRequest([cacheStep('pip | "v1"'), bash('echo "hit=$CACHE_RESTORED"; mkdir -p "$PIPELINE_WORKSPACE/.pip" && echo wheel > "$PIPELINE_WORKSPACE/.pip/pkg.whl"')], { cacheRoot }));

    expect(first.outcome.result).toBe('succeeded');
    expect(first.lines(2)).toEqual(['hit=false']);
    expect(postJobCache(first.events)).toMatchObject({ result: 'succeeded', record: { id: 'Build.Job.3' } });

    const second = await runJob(makeRequest([cacheStep('pip | "v1"'), bash('echo "hit=$CACHE_RESTORED"; cat "$PIPELINE_WORKSPACE/.pip/pkg.whl"')], { cacheRoot }));
    expect(second.outcome.result).toBe('succeeded');
    expect(second.lines(2)).toEqual(['hit=true', 'wheel']);
    expect(postJobCache(second.events)).toMatchObject({ result: 'skipped' });
    expect(postJobCache(second.events)?.reason).toContain('exact hit');
  });

  it('restores from a restore key as inexact', async () => {
    const cacheRoot = makeTempDir();
    await runJob(makeRequest([cacheStep('pip | "v1"'), bash('mkdir -p "$PIPELINE_WORKSPACE/.pip" && echo old > "$PIPELINE_WORKSPACE/.pip/f"')], { cacheRoot }));
    const run = await runJob(makeRequest([cacheStep('pip | "v2"', 'pip'), bash('echo "hit=$CACHE_RESTORED"; cat "$PIPELINE_WORKSPACE/.pip/f"')], { cacheRoot }));

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['hit=inexact', 'old']);
    // A restore-key hit still saves under the new key.
    expect(postJobCache(run.events)).toMatchObject({ result: 'succeeded' });
  });

  it('hashes a key file', async () => {
    const cacheRoot = makeTempDir();
    const steps = [bash('echo "requests==2" > requirements.txt'), cacheStep('pip | requirements.txt'), bash('mkdir -p "$PIPELINE_WORKSPACE/.pip" && echo x > "$PIPELINE_WORKSPACE/.pip/x"')];
    await runJob(makeRequest(steps, { cacheRoot }));
    const again = await runJob(makeRequest([...steps.slice(0, 2), bash('echo "hit=$CACHE_RESTORED"')], { cacheRoot }));

    expect(again.lines(3)).toEqual(['hit=true']);
  });

  it('does not save after a failure', async () => {
    const cacheRoot = makeTempDir();
    const failed = await runJob(makeRequest([cacheStep('k | "1"'), bash('mkdir -p "$PIPELINE_WORKSPACE/.pip" && echo x > "$PIPELINE_WORKSPACE/.pip/x"; exit 1')], { cacheRoot }));

    expect(failed.outcome.result).toBe('failed');
    expect(postJobCache(failed.events)).toMatchObject({ result: 'skipped' });
    expect(postJobCache(failed.events)?.reason).toContain('did not succeed');

    const next = await runJob(makeRequest([cacheStep('k | "1"'), bash('echo "hit=$CACHE_RESTORED"')], { cacheRoot }));
    expect(next.lines(2)).toEqual(['hit=false']);
  });

  it('fails on a missing key file', async () => {
    const run = await runJob(makeRequest([cacheStep('pip | missing.lock')], { cacheRoot: makeTempDir() }));

    expect(run.outcome.result).toBe('failed');
    expect(run.events.find((event) => event.type === 'issue' && event.issueType === 'error')).toMatchObject({ code: 'RUN022' });
    expect(run.finished(1)?.reason).toContain('CCH002');
    expect(postJobCache(run.events)).toBeUndefined();
  });

  it('rejects a path outside the workspace', async () => {
    const run = await runJob(makeRequest([taskStep('Cache', '2', { key: 'a', path: '/tmp' })], { cacheRoot: makeTempDir() }));

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain('CCH001');
  });

  it('warns when saving finds no path', async () => {
    const run = await runJob(makeRequest([cacheStep('nothing | "1"')], { cacheRoot: makeTempDir() }));

    expect(run.outcome.result).toBe('succeeded');
    expect(run.events.some((event) => event.type === 'issue' && event.issueType === 'warning' && event.message.includes('CCH005'))).toBe(true);
  });
});
