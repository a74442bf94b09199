import { describe, expect, it } from 'vitest';
import { createRunPlan, describePlan } from '../../src/plan/create-run-plan.js';
import type { PipelineDefinition } from '../../src/language/pipeline/pipeline-model.js';
import type { RunPlan } from '../../src/plan/run-plan.js';
import { at, deps, job, located, pipeline, script, stage, variable } from './helpers/pipeline-builder.js';

function planOf(definition: PipelineDefinition): RunPlan {
  const { plan, diagnostics } = createRunPlan(definition, { hostOs: 'linux' });
  expect(diagnostics).toEqual([]);
  return plan!;
}

const mainOnly = "eq(variables['Build.SourceBranch'], 'refs/heads/main')";

function releasePipeline(): PipelineDefinition {
  return pipeline([
    stage('Build', [
      job('Compile', {
        displayName: 'Compile the wheel',
        steps: [script('python -m build', { displayName: 'Build wheel' }), script('ls dist')],
      }),
      job('Tests', {
        strategy: { matrix: { py310: { python: '3.10' }, py311: { python: '3.11' } }, location: at(5) },
        pool: { vmImage: 'windows-latest', demands: [], location: at(6) },
      }),
    ]),
    stage('Publish', [job('Upload')], { condition: located(`and(succeeded(), ${mainOnly})`) }),
    stage('Report', [job('Summary', { condition: located("eq(dependencies.Upload.result, 'Succeeded')") })], {
      dependsOn: deps('Build'),
      condition: located('always()'),
    }),
  ]);
}

describe('describePlan', () => {
  it('lists stages, legs and steps', () => {
    const text = describePlan(planOf(releasePipeline()));

    expect(text).toContain('stage Build');
    expect(text).toContain('job Compile "Compile the wheel"');
    expect(text).toContain('1. Build wheel');
    expect(text).toContain('2. CmdLine');
    expect(text).toContain('instance Tests_py311 "Tests py311" (2/2) [skipped: needs a windows agent; to run it on this machine anyway, pass --platform windows-latest=host]');
    expect(text).toContain('variables: python=3.11');
    expect(text).toContain(`condition: and(succeeded(), ${mainOnly})`);
    expect(text).not.toContain('decided at run time');
  });

  it('decides a branch condition before the run', () => {
    const text = describePlan(planOf(releasePipeline()), {
      dryRun: true,
      runVariables: { 'Build.SourceBranch': 'refs/heads/dev' },
    });
    const lines = text.split('\n');
    const publish = lines.indexOf('stage Publish');

    expect(lines[publish + 2]).toBe(
      `  condition: 'and(succeeded(), ${mainOnly})': false, would be skipped because ` +
        `condition 'and(succeeded(), ${mainOnly})' was false`,
    );
    expect(lines[publish + 4]).toContain("skipped because stage 'Publish' is skipped");
  });

  it('leaves result-dependent conditions to the run', () => {
    const text = describePlan(planOf(releasePipeline()), {
      dryRun: true,
      runVariables: { 'Build.SourceBranch': 'refs/heads/main' },
    });

    expect(text).toContain(`condition: 'and(succeeded(), ${mainOnly})': decided at run time`);
    expect(text).toContain("condition: 'always()': true");
    expect(text).toContain("condition: 'eq(dependencies.Upload.result, 'Succeeded')': decided at run time");
    expect(text).toContain('condition: default succeeded(): true');
  });

  it('uses job variables and queue values in conditions', () => {
    const definition = pipeline([
      stage('Only', [
        job('Gate', { variables: [variable('deploy', 'no')], condition: located("eq(variables.deploy, 'yes')") }),
      ]),
    ]);

    const plain = describePlan(planOf(definition), { dryRun: true });
    expect(plain).toContain("condition: 'eq(variables.deploy, 'yes')': false");

    const queued = describePlan(planOf(definition), { dryRun: true, queueVariables: { deploy: 'yes' } });
    expect(queued).toContain("condition: 'eq(variables.deploy, 'yes')': true");
  });
});
