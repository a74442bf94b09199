import { describe, expect, it } from 'vitest';
import type { TaskResult } from '../../src/events/task-result.js';
import { deps, job, jobsPipeline, located, pipeline, stage } from '../plan/helpers/pipeline-builder.js';
import { jobOutcome, runDefinition } from './helpers/run-definition.js';
import { ScriptedExecutor } from './helpers/scripted-executor.js';

/**
 * Dependency result × condition → does the dependant run. Rows follow
 * learn.microsoft.com/azure/devops/pipelines/process/conditions and the
 * "Job status check functions" of learn.microsoft.com/azure/devops/pipelines/process/expressions:
 * the default is succeeded() over the dependencies, a custom condition replaces it,
 * and Skipped does not count as succeeded.
 */
const table: { dependency: TaskResult; condition?: string; runs: boolean }[] = [
  { dependency: 'succeeded', runs: true },
  { dependency: 'succeededWithIssues', runs: true },
  { dependency: 'failed', runs: false },
  { dependency: 'canceled', runs: false },
  { dependency: 'skipped', runs: false },
  { dependency: 'succeeded', condition: 'succeeded()', runs: true },
  { dependency: 'succeededWithIssues', condition: 'succeeded()', runs: true },
  { dependency: 'failed', condition: 'succeeded()', runs: false },
  { dependency: 'succeeded', condition: 'failed()', runs: false },
  { dependency: 'failed', condition: 'failed()', runs: true },
  { dependency: 'failed', condition: "failed('A')", runs: true },
  { dependency: 'succeeded', condition: 'always()', runs: true },
  { dependency: 'failed', condition: 'always()', runs: true },
  { dependency: 'skipped', condition: 'always()', runs: true },
  { dependency: 'failed', condition: 'succeededOrFailed()', runs: true },
  { dependency: 'succeeded', condition: 'succeededOrFailed()', runs: true },
  { dependency: 'failed', condition: "eq(variables['Build.SourceBranch'], 'refs/heads/main')", runs: true },
  { dependency: 'succeeded', condition: "ne(variables['Build.SourceBranch'], 'refs/heads/main')", runs: false },
  { dependency: 'skipped', condition: "in(dependencies.A.result, 'Succeeded', 'Skipped')", runs: true },
  { dependency: 'failed', condition: "and(failed(), eq(dependencies.A.result, 'Failed'))", runs: true },
  { dependency: 'succeeded', condition: 'canceled()', runs: false },
];

function describeRow(row: (typeof table)[number]): string {
  return `${row.dependency} + ${row.condition ?? 'default'} → ${row.runs ? 'runs' : 'skipped'}`;
}

describe('job conditions', () => {
  for (const row of table) {
    it(describeRow(row), async () => {
      // A skipped dependency is made by a false condition; the others by a scripted result.
      const a = row.dependency === 'skipped' ? job('A', { condition: located('false') }) : job('A');
      const b = job('B', { dependsOn: deps('A'), condition: row.condition ? located(row.condition) : undefined });
      const executor = new ScriptedExecutor({ A: { result: row.dependency } });

      const { outcome } = await runDefinition(jobsPipeline([a, b]), executor);

      expect(executor.ran().includes('B')).toBe(row.runs);
      expect(jobOutcome(outcome, 'B').result).toBe(row.runs ? 'succeeded' : 'skipped');
    });
  }

  it('gives the reason for a skip', async () => {
    const executor = new ScriptedExecutor({ A: { result: 'failed' } });
    const definition = jobsPipeline([
      job('A'),
      job('B', { dependsOn: deps('A') }),
      job('C', { condition: located("eq(variables['Build.SourceBranch'], 'refs/heads/dev')") }),
    ]);

    const { outcome, events } = await runDefinition(definition, executor);

    expect(jobOutcome(outcome, 'B').reason).toBe("dependency 'A' failed");
    expect(jobOutcome(outcome, 'C').reason).toBe(
      "condition 'eq(variables['Build.SourceBranch'], 'refs/heads/dev')' was false",
    );
    const finishedB = events.find((event) => event.type === 'record-finished' && event.record.name === 'B');
    expect(finishedB).toMatchObject({ result: 'skipped', reason: "dependency 'A' failed", record: { id: '__default.B', type: 'job' } });
    expect(events.some((event) => event.type === 'record-started' && event.record.name === 'B')).toBe(false);
  });

  it('checks indirect dependencies by default', async () => {
    const executor = new ScriptedExecutor({ A: { result: 'failed' } });
    const definition = jobsPipeline([
      job('A'),
      job('B', { dependsOn: deps('A'), condition: located('always()') }),
      job('C', { dependsOn: deps('B') }),
    ]);

    const { outcome } = await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['A', 'B']);
    expect(jobOutcome(outcome, 'C').reason).toBe("dependency 'A' failed");
  });

  it('fails a job whose condition cannot be evaluated', async () => {
    const executor = new ScriptedExecutor();
    const definition = jobsPipeline([job('Broken', { condition: located("eq(variables.x, 'a'") }), job('Fine')]);

    const { outcome } = await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['Fine']);
    expect(jobOutcome(outcome, 'Broken').result).toBe('failed');
    expect(jobOutcome(outcome, 'Broken').reason).toContain("condition 'eq(variables.x, 'a'' could not be evaluated");
    expect(outcome.result).toBe('failed');
  });
});

describe('stage conditions', () => {
  for (const row of table.filter((item) => !item.condition?.includes('dependencies.A') && item.dependency !== 'skipped')) {
    it(describeRow(row), async () => {
      const condition = row.condition?.replace("'A'", "'S1'");
      const definition = pipeline([
        stage('S1', [job('A')]),
        stage('S2', [job('B')], { condition: condition ? located(condition) : undefined }),
      ]);
      const executor = new ScriptedExecutor({ A: { result: row.dependency } });

      const { outcome } = await runDefinition(definition, executor);

      expect(executor.ran().includes('B')).toBe(row.runs);
      expect(outcome.stages[1]!.result).toBe(row.runs ? 'succeeded' : 'skipped');
    });
  }

  it('reads stage dependency results', async () => {
    const definition = pipeline([
      stage('S1', [job('A')]),
      stage('S2', [job('B')], { condition: located("eq(dependencies.S1.result, 'SucceededWithIssues')") }),
    ]);
    const executor = new ScriptedExecutor({ A: { result: 'succeededWithIssues' } });

    const { outcome } = await runDefinition(definition, executor);

    expect(outcome.stages[1]!.result).toBe('succeeded');
  });
});

describe('skip propagation', () => {
  it('skips the jobs of a skipped stage whatever their conditions', async () => {
    const definition = pipeline([
      stage('S1', [job('A')]),
      stage('S2', [job('B', { condition: located('always()') })]),
      stage('S3', [job('C')]),
      stage('S4', [job('D')], { dependsOn: [], condition: located('false') }),
    ]);
    const executor = new ScriptedExecutor({ A: { result: 'failed' } });

    const { outcome, events } = await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['A']);
    expect(outcome.stages.map((item) => item.result)).toEqual(['failed', 'skipped', 'skipped', 'skipped']);
    expect(outcome.stages[1]!.reason).toBe("dependency 'S1' failed");
    expect(outcome.stages[2]!.reason).toBe("dependency 'S1' failed");
    expect(jobOutcome(outcome, 'B')).toMatchObject({ result: 'skipped', reason: "stage 'S2' was skipped" });
    expect(outcome.stages[3]!.reason).toBe("condition 'false' was false");
    expect(outcome.result).toBe('failed');

    const stageEvents = events.filter((event) => event.type !== 'log' && 'record' in event && event.record.type === 'stage');
    expect(stageEvents.map((event) => `${event.type} ${'record' in event ? event.record.id : ''}`)).toEqual([
      'record-started S1',
      'record-finished S4',
      'record-finished S1',
      'record-finished S2',
      'record-finished S3',
    ]);
  });
});

describe('continueOnError', () => {
  it('lets dependants run and makes the run succeeded with issues', async () => {
    const definition = pipeline([
      stage('S1', [job('A', { continueOnError: true }), job('B', { dependsOn: deps('A') })]),
      stage('S2', [job('C')]),
    ]);
    const executor = new ScriptedExecutor({ A: { result: 'failed', reason: 'exit code 1' } });

    const { outcome } = await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['A', 'B', 'C']);
    expect(jobOutcome(outcome, 'A')).toMatchObject({ result: 'failed', reason: 'exit code 1' });
    expect(outcome.stages[0]!.result).toBe('succeededWithIssues');
    expect(outcome.result).toBe('succeededWithIssues');
  });

  it('reports SucceededWithIssues to conditions', async () => {
    const definition = jobsPipeline([
      job('A', { continueOnError: true }),
      job('B', { dependsOn: deps('A'), condition: located("eq(dependencies.A.result, 'SucceededWithIssues')") }),
    ]);
    const executor = new ScriptedExecutor({ A: { result: 'failed' } });

    await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['A', 'B']);
  });
});
