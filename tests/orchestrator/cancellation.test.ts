import { describe, expect, it } from 'vitest';
import { deps, job, located, pipeline, stage } from '../plan/helpers/pipeline-builder.js';
import { jobOutcome, runDefinition } from './helpers/run-definition.js';
import { ScriptedExecutor } from './helpers/scripted-executor.js';

describe('run cancellation', () => {
  it('cancels queued and pending jobs but runs always() and canceled()', async () => {
    const controller = new AbortController();
    const signalSeenByLate: boolean[] = [];
    const executor = new ScriptedExecutor({
      // A cancels the run while it runs, then ends as the runner would on SIGINT.
      A: async (_request, signal) => {
        controller.abort();
        expect(signal.aborted).toBe(true);
        return { result: 'canceled', reason: 'canceled by the user' };
      },
      Always: (_request, signal) => {
        signalSeenByLate.push(signal.aborted);
        return { result: 'succeeded' };
      },
    });
    const definition = pipeline([
      stage('S1', [
        job('A'),
        job('Queued'),
        job('Default', { dependsOn: deps('A') }),
        job('Always', { dependsOn: deps('A'), condition: located('always()') }),
        job('OnCancel', { dependsOn: deps('Always'), condition: located('canceled()') }),
      ]),
      stage('S2', [job('Later')]),
    ]);

    const { outcome } = await runDefinition(definition, executor, { signal: controller.signal, maxParallelJobs: 1 });

    expect(executor.ran()).toEqual(['A', 'Always', 'OnCancel']);
    expect(signalSeenByLate).toEqual([false]);
    expect(jobOutcome(outcome, 'Queued')).toMatchObject({ result: 'canceled', reason: 'run canceled' });
    expect(jobOutcome(outcome, 'Default')).toMatchObject({ result: 'canceled', reason: 'run canceled' });
    expect(jobOutcome(outcome, 'Always').result).toBe('succeeded');
    expect(jobOutcome(outcome, 'Later')).toMatchObject({ result: 'canceled', reason: 'run canceled' });
    expect(outcome.stages[1]).toMatchObject({ result: 'canceled', reason: 'run canceled' });
    expect(outcome.stages[0]!.reason).toBe("job 'A' was canceled");
    expect(outcome.result).toBe('canceled');
  });

  // "A cancel while the run is still queued cancels everything"
  // (learn.microsoft.com/azure/devops/pipelines/process/conditions): the stage's
  // default condition is false, so even a job with always() never starts.
  it('cancels everything when canceled before the start', async () => {
    const controller = new AbortController();
    controller.abort();
    const executor = new ScriptedExecutor();
    const definition = pipeline([stage('S1', [job('A'), job('B', { condition: located('always()') })])]);

    const { outcome } = await runDefinition(definition, executor, { signal: controller.signal });

    expect(executor.ran()).toEqual([]);
    expect(outcome.stages[0]).toMatchObject({ result: 'canceled', reason: 'run canceled' });
    expect(jobOutcome(outcome, 'A').result).toBe('canceled');
    expect(jobOutcome(outcome, 'B')).toMatchObject({ result: 'canceled', reason: 'run canceled' });
  });

  it('treats a throwing executor as a failed job', async () => {
    const executor = new ScriptedExecutor({
      A: () => {
        throw new Error('agent lost');
      },
    });
    const definition = pipeline([stage('S1', [job('A'), job('B')])]);

    const { outcome } = await runDefinition(definition, executor);

    expect(jobOutcome(outcome, 'A')).toMatchObject({ result: 'failed', reason: 'the runner failed: agent lost' });
    expect(jobOutcome(outcome, 'B').result).toBe('succeeded');
    expect(outcome.result).toBe('failed');
  });
});
