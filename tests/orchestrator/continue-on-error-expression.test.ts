import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/language/pipeline/load-pipeline.js';
import type { JobDefinition } from '../../src/language/pipeline/pipeline-model.js';
import { LocalJobRunner } from '../../src/runner/local-job-runner.js';
import { createTempRepository } from '../helpers/temp-repository.js';
import { at, deps, job, jobsPipeline, located, variable } from '../plan/helpers/pipeline-builder.js';
import { jobOutcome, runDefinition } from './helpers/run-definition.js';
import { ScriptedExecutor } from './helpers/scripted-executor.js';

/*
 * A job's continueOnError given as a `$[ ]` runtime expression, evaluated for each
 * job instance when the job is reached, with the variables and dependencies that
 * the job's condition can read. Azure's schema types it as a string (jobContinueOnError).
 */

/** Builds a job with a rust matrix whose continueOnError is `expression`. */
function matrixJob(expression: string): JobDefinition {
  return job('A', {
    continueOnErrorExpression: located(expression),
    strategy: { matrix: { stable: { rust: 'stable' }, beta: { rust: 'beta' } }, location: at(5) },
  });
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

describe('continueOnError runtime expression', () => {
  it('lets a failed leg pass when true for that leg', async () => {
    const definition = jobsPipeline([matrixJob("$[eq(variables.rust, 'beta')]"), job('B', { dependsOn: deps('A') })]);
    const executor = new ScriptedExecutor({ A_beta: { result: 'failed', reason: 'exit code 1' } });

    const { outcome } = await runDefinition(definition, executor);

    expect(executor.ran()).toContain('B');
    expect(jobOutcome(outcome, 'A_beta').result).toBe('failed');
    expect(outcome.result).toBe('succeededWithIssues');
  });

  it('fails the job when false for the failed leg', async () => {
    const definition = jobsPipeline([matrixJob("$[eq(variables.rust, 'beta')]"), job('B', { dependsOn: deps('A') })]);
    const executor = new ScriptedExecutor({ A_stable: { result: 'failed', reason: 'exit code 1' } });

    const { outcome } = await runDefinition(definition, executor);

    expect(executor.ran()).not.toContain('B');
    expect(jobOutcome(outcome, 'B').result).toBe('skipped');
    expect(outcome.result).toBe('failed');
  });

  it('reads job variables', async () => {
    const definition = jobsPipeline([
      job('A', { continueOnErrorExpression: located('$[variables.allowFailure]'), variables: [variable('allowFailure', 'yes')] }),
      job('B', { dependsOn: deps('A'), condition: located("eq(dependencies.A.result, 'SucceededWithIssues')") }),
    ]);
    const executor = new ScriptedExecutor({ A: { result: 'failed' } });

    await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['A', 'B']);
  });

  it('reads dependency results', async () => {
    const definition = jobsPipeline([
      job('First', { condition: located('false') }),
      job('A', { dependsOn: deps('First'), condition: located('always()'), continueOnErrorExpression: located("$[eq(dependencies.First.result, 'Skipped')]") }),
      // The default condition of B would also look at First, which was skipped.
      job('B', { dependsOn: deps('A'), condition: located("eq(dependencies.A.result, 'SucceededWithIssues')") }),
    ]);
    const executor = new ScriptedExecutor({ A: { result: 'failed' } });

    await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['A', 'B']);
  });

  it('fails the job on a value that is not a boolean', async () => {
    const definition = jobsPipeline([job('A', { continueOnErrorExpression: located("$['sometimes']", 7) })]);
    const executor = new ScriptedExecutor();

    const { outcome } = await runDefinition(definition, executor);

    expect(executor.ran()).toEqual([]);
    const a = jobOutcome(outcome, 'A');
    expect(a.result).toBe('failed');
    expect(a.reason).toContain('azure-pipelines.yml:7:5: PIPE002');
    expect(a.reason).toContain("in '$['sometimes']'");
  });

  it('fails the job on an evaluation error', async () => {
    const definition = jobsPipeline([job('A', { continueOnErrorExpression: located("$[eq('a')]") })]);
    const executor = new ScriptedExecutor();

    const { outcome } = await runDefinition(definition, executor);

    expect(executor.ran()).toEqual([]);
    expect(jobOutcome(outcome, 'A').result).toBe('failed');
    expect(jobOutcome(outcome, 'A').reason).toContain('EXPR007');
  });

  it('runs a YAML matrix with real processes', async () => {
    const yaml = [
      'jobs:',
      '- job: Test',
      '  strategy:',
      '    matrix:',
      '      stable:',
      '        rust: stable',
      '      beta:',
      '        rust: beta',
      "  continueOnError: $[eq(variables.rust, 'beta')]",
      '  steps:',
      '  - bash: test "$(rust)" = stable',
      '- job: After',
      '  dependsOn: Test',
      '  steps:',
      '  - bash: echo after',
      '',
    ].join('\n');
    const repo = createTempRepository({ 'azure-pipelines.yml': yaml });
    const work = mkdtempSync(join(tmpdir(), 'sluice-continue-on-error-'));
    cleanups.push(repo.remove, () => rmSync(work, { recursive: true, force: true }));
    const loaded = await loadPipeline(join(repo.path, 'azure-pipelines.yml'), { displayPath: 'azure-pipelines.yml' });
    expect(loaded.diagnostics).toEqual([]);

    const { outcome } = await runDefinition(loaded.definition!, new LocalJobRunner(), {
      source: { path: repo.path, inPlace: true },
      workRoot: work,
    });

    expect(jobOutcome(outcome, 'Test_stable').result).toBe('succeeded');
    expect(jobOutcome(outcome, 'Test_beta').result).toBe('failed');
    expect(jobOutcome(outcome, 'After').result).toBe('succeeded');
    expect(outcome.result).toBe('succeededWithIssues');
  });
});
