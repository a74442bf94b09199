import { describe, expect, it } from 'vitest';
import { at, deps, job, jobsPipeline, pipeline, stage } from '../plan/helpers/pipeline-builder.js';
import { runDefinition } from './helpers/run-definition.js';
import { ScriptedExecutor } from './helpers/scripted-executor.js';

describe('job concurrency', () => {
  it('runs independent jobs at once up to the limit', async () => {
    const executor = new ScriptedExecutor();
    const definition = jobsPipeline(['A', 'B', 'C', 'D', 'E', 'F'].map((name) => job(name)));

    await runDefinition(definition, executor, { maxParallelJobs: 2 });

    expect(executor.ran()).toHaveLength(6);
    expect(executor.maxActive).toBe(2);
  });

  it('runs parallel stages together under one limit', async () => {
    const executor = new ScriptedExecutor();
    const definition = pipeline([
      stage('S1', [job('A'), job('B')]),
      stage('S2', [job('C'), job('D')], { dependsOn: [] }),
    ]);

    await runDefinition(definition, executor, { maxParallelJobs: 3 });

    expect(executor.maxActive).toBe(3);
  });

  it('honours matrix maxParallel', async () => {
    const executor = new ScriptedExecutor();
    const definition = jobsPipeline([
      job('Tests', { strategy: { matrix: { a: {}, b: {}, c: {}, d: {} }, maxParallel: 1, location: at(5) } }),
      job('Other'),
    ]);

    await runDefinition(definition, executor, { maxParallelJobs: 4 });

    expect(executor.maxActiveByPhase.get('Tests')).toBe(1);
    expect(executor.maxActive).toBe(2);
    expect(executor.ran().filter((name) => name.startsWith('Tests_'))).toEqual(['Tests_a', 'Tests_b', 'Tests_c', 'Tests_d']);
  });

  it('runs a dependant only after its dependency', async () => {
    const executor = new ScriptedExecutor();
    const definition = jobsPipeline([job('A'), job('B', { dependsOn: deps('A') }), job('C', { dependsOn: deps('B') })]);

    await runDefinition(definition, executor, { maxParallelJobs: 4 });

    expect(executor.ran()).toEqual(['A', 'B', 'C']);
    expect(executor.maxActive).toBe(1);
  });
});
