import { describe, expect, it } from 'vitest';
import { createRunPlan } from '../../src/plan/create-run-plan.js';
import type { PlanOptions, RunPlan } from '../../src/plan/run-plan.js';
import { at, deps, FILE, job, jobsPipeline, pipeline, stage } from './helpers/pipeline-builder.js';
import type { PipelineDefinition } from '../../src/language/pipeline/pipeline-model.js';

const linux: PlanOptions = { hostOs: 'linux' };

function planOf(definition: PipelineDefinition, options: PlanOptions = linux): RunPlan {
  const { plan, diagnostics } = createRunPlan(definition, options);
  expect(diagnostics.filter((item) => item.severity === 'error')).toEqual([]);
  return plan!;
}

function codesOf(definition: PipelineDefinition, options: PlanOptions = linux): string[] {
  const { plan, diagnostics } = createRunPlan(definition, options);
  expect(plan).toBeUndefined();
  return diagnostics.map((item) => item.code);
}

describe('matrix expansion', () => {
  // Names from learn.microsoft.com/azure/devops/pipelines/yaml-schema/jobs-job-strategy:
  // the leg name is appended to the job name; Agent.JobName is the leg name.
  const cases = [
    { displayName: 'Run tests', leg: 'py311', name: 'Tests_py311', display: 'Run tests py311' },
    { displayName: undefined, leg: 'py311', name: 'Tests_py311', display: 'Tests py311' },
    { displayName: 'Run tests', leg: 'Linux_Python_3_12', name: 'Tests_Linux_Python_3_12', display: 'Run tests Linux_Python_3_12' },
  ];

  for (const testCase of cases) {
    it(`names leg ${testCase.leg} with displayName ${String(testCase.displayName)}`, () => {
      const definition = jobsPipeline([
        job('Tests', {
          displayName: testCase.displayName,
          strategy: { matrix: { [testCase.leg]: { python: '3.11' }, other: { python: '3.12' } }, location: at(5) },
        }),
      ]);
      const instance = planOf(definition).stages[0]!.jobs[0]!.instances[0]!;

      expect(instance.name).toBe(testCase.name);
      expect(instance.displayName).toBe(testCase.display);
      expect(instance.agentJobName).toBe(testCase.leg);
      expect(instance.legName).toBe(testCase.leg);
      expect(instance.matrixVariables).toEqual({ python: '3.11' });
      expect(instance.positionInPhase).toBe(1);
      expect(instance.totalJobsInPhase).toBe(2);
    });
  }

  it('keeps leg order and positions', () => {
    const definition = jobsPipeline([
      job('T', { strategy: { matrix: { b: {}, a: {}, c: {} }, maxParallel: 2, location: at(5) } }),
    ]);
    const planned = planOf(definition).stages[0]!.jobs[0]!;

    expect(planned.instances.map((item) => item.name)).toEqual(['T_b', 'T_a', 'T_c']);
    expect(planned.instances.map((item) => item.positionInPhase)).toEqual([1, 2, 3]);
    expect(planned.maxParallel).toBe(2);
  });

  it('runs an empty matrix once', () => {
    const definition = jobsPipeline([job('T', { strategy: { matrix: {}, location: at(5) } })]);
    const instances = planOf(definition).stages[0]!.jobs[0]!.instances;

    expect(instances).toHaveLength(1);
    expect(instances[0]!.name).toBe('T');
  });

  it('leaves a runtime matrix for the run', () => {
    const matrix = { value: "$[ dependencies.Gen.outputs['legs.json'] ]", location: at(9, 15) };
    const definition = jobsPipeline([
      job('Gen'),
      job('T', { dependsOn: deps('Gen'), strategy: { matrix, location: at(8) } }),
    ]);
    const planned = planOf(definition).stages[0]!.jobs[1]!;

    expect(planned.instances).toEqual([]);
    expect(planned.runtimeMatrix).toEqual(matrix);
  });
});

describe('parallel slicing', () => {
  it('makes 1-based slices', () => {
    const definition = jobsPipeline([job('Shard', { displayName: 'Shard', strategy: { parallel: 3, location: at(5) } })]);
    const instances = planOf(definition).stages[0]!.jobs[0]!.instances;

    expect(instances.map((item) => item.name)).toEqual(['Shard_job1', 'Shard_job2', 'Shard_job3']);
    expect(instances.map((item) => item.positionInPhase)).toEqual([1, 2, 3]);
    expect(instances.every((item) => item.totalJobsInPhase === 3)).toBe(true);
    expect(instances.map((item) => item.legName)).toEqual(['job1', 'job2', 'job3']);
    expect(instances[1]!.displayName).toBe('Shard 2/3');
  });

  it('treats parallel 1 as a single job', () => {
    const definition = jobsPipeline([job('Shard', { strategy: { parallel: 1, location: at(5) } })]);
    const instances = planOf(definition).stages[0]!.jobs[0]!.instances;

    expect(instances).toHaveLength(1);
    expect(instances[0]!.name).toBe('Shard');
    expect(instances[0]!.legName).toBeUndefined();
  });

  it('rejects a zero count and matrix with parallel', () => {
    const zero = jobsPipeline([job('A', { strategy: { parallel: 0, location: at(5) } })]);
    const both = jobsPipeline([job('B', { strategy: { parallel: 2, matrix: { a: {} }, location: at(6) } })]);

    expect(codesOf(zero)).toEqual(['PLAN011']);
    expect(codesOf(both)).toEqual(['PLAN011']);
  });
});

describe('stage graph', () => {
  it('depends on the previous stage by default', () => {
    const definition = pipeline([
      stage('Build', [job('A')]),
      stage('Test', [job('A')]),
      stage('Lint', [job('A')], { dependsOn: [] }),
      stage('Deploy', [job('A')], { dependsOn: deps('Build', 'Test') }),
    ]);
    const stages = planOf(definition).stages;

    expect(stages.map((item) => item.dependsOn)).toEqual([[], ['Build'], [], ['Build', 'Test']]);
  });

  it('resolves names ignoring case', () => {
    const definition = pipeline([stage('Build', [job('A')]), stage('Test', [job('A')], { dependsOn: deps('build') })]);

    expect(planOf(definition).stages[1]!.dependsOn).toEqual(['Build']);
  });

  it('reports an unknown stage at its entry', () => {
    const entries = deps('Biuld');
    const definition = pipeline([stage('Build', [job('A')]), stage('Test', [job('A')], { dependsOn: entries })]);
    const { diagnostics } = createRunPlan(definition, linux);

    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('PLAN001');
    expect(diagnostics[0]!.location).toEqual(entries[0]!.location);
    expect(diagnostics[0]!.message).toContain("'Biuld'");
    expect(diagnostics[0]!.hint).toContain('Build, Test');
  });

  it('reports a cycle at the entry that closes it', () => {
    const aDeps = deps('C');
    const definition = pipeline([
      stage('A', [job('J')], { dependsOn: aDeps }),
      stage('B', [job('J')]),
      stage('C', [job('J')]),
    ]);
    const { diagnostics } = createRunPlan(definition, linux);

    expect(diagnostics.map((item) => item.code)).toEqual(['PLAN002']);
    expect(diagnostics[0]!.message).toContain('A → C → B → A');
    expect(diagnostics[0]!.location).toEqual(aDeps[0]!.location);
  });

  it('reports duplicate and empty stages', () => {
    const definition = pipeline([stage('A', [job('J')]), stage('A', [job('J')]), stage('E', [])]);

    expect(codesOf(definition)).toEqual(['PLAN006', 'PLAN012']);
  });
});

describe('job graph', () => {
  it('runs jobs in parallel unless dependsOn says otherwise', () => {
    const definition = jobsPipeline([job('A'), job('B'), job('C', { dependsOn: deps('A', 'B') })]);
    const jobs = planOf(definition).stages[0]!.jobs;

    expect(jobs.map((item) => item.dependsOn)).toEqual([[], [], ['A', 'B']]);
  });

  it('reports an unknown job with the valid names', () => {
    const entries = deps('Missing');
    const definition = jobsPipeline([job('A'), job('B', { dependsOn: entries })]);
    const { diagnostics } = createRunPlan(definition, linux);

    expect(diagnostics.map((item) => item.code)).toEqual(['PLAN003']);
    expect(diagnostics[0]!.location).toEqual(entries[0]!.location);
    expect(diagnostics[0]!.hint).toContain('A, B');
  });

  it('reports a cycle once, without the missing root job', () => {
    const aDeps = deps('B');
    const definition = jobsPipeline([job('A', { dependsOn: aDeps }), job('B', { dependsOn: deps('A') })]);
    const { diagnostics } = createRunPlan(definition, linux);

    expect(diagnostics.map((item) => item.code)).toEqual(['PLAN004']);
    expect(diagnostics[0]!.message).toContain('A → B → A');
    expect(diagnostics[0]!.location?.file).toBe(FILE);
  });

  it('collects errors from every stage', () => {
    const definition = pipeline([
      stage('S1', [job('A', { dependsOn: deps('Nope') })]),
      stage('S2', [job('A'), job('A')]),
      stage('S3', [job('A')], { dependsOn: deps('Gone') }),
    ]);

    expect(codesOf(definition).sort()).toEqual(['PLAN001', 'PLAN003', 'PLAN007']);
  });
});

describe('pool matching', () => {
  const image = (vmImage: string) => ({ vmImage, demands: [], location: at(3) });

  it('marks jobs for another platform', () => {
    const definition = jobsPipeline([
      job('Win', { pool: image('windows-latest') }),
      job('Mac', { pool: image('macOS-14') }),
      job('Ubuntu', { pool: image('ubuntu-22.04') }),
      job('SelfHosted', { pool: { name: 'Default', demands: [], location: at(4) } }),
    ]);
    const jobs = planOf(definition).stages[0]!.jobs;

    expect(jobs.map((item) => item.instances[0]!.skipReason)).toEqual([
      'needs a windows agent; to run it on this machine anyway, pass --platform windows-latest=host',
      'needs a macos agent; to run it on this machine anyway, pass --platform macOS-14=host',
      undefined,
      undefined,
    ]);
  });

  it('inherits the pipeline pool and honours the platform map', () => {
    const definition = jobsPipeline([job('Win')], { pool: image('windows-2022') });

    expect(planOf(definition).stages[0]!.jobs[0]!.instances[0]!.skipReason).toBe('needs a windows agent; to run it on this machine anyway, pass --platform windows-2022=host');
    const mapped = planOf(definition, { hostOs: 'linux', platformMap: { 'Windows-2022': 'host' } });
    expect(mapped.stages[0]!.jobs[0]!.instances[0]!.skipReason).toBeUndefined();
    const onWindows = planOf(definition, { hostOs: 'windows' });
    expect(onWindows.stages[0]!.jobs[0]!.instances[0]!.skipReason).toBeUndefined();
  });

  it('picks the image of each matrix leg', () => {
    const definition = jobsPipeline([
      job('Build', {
        pool: image('$(imageName)'),
        strategy: {
          matrix: { linux: { imageName: 'ubuntu-latest' }, windows: { imageName: 'windows-latest' } },
          location: at(5),
        },
      }),
    ]);
    const instances = planOf(definition).stages[0]!.jobs[0]!.instances;

    expect(instances.map((item) => item.skipReason)).toEqual([undefined, 'needs a windows agent; to run it on this machine anyway, pass --platform windows-latest=host']);
  });
});

describe('stage and job selection', () => {
  const definition = () =>
    pipeline([
      stage('Build', [job('Compile'), job('Docs')]),
      stage('Test', [
        job('Unit', { strategy: { matrix: { py310: {}, py311: {} }, location: at(5) } }),
        job('Report', { dependsOn: deps('Unit') }),
      ]),
      stage('Deploy', [job('Ship')]),
    ]);

  it('keeps a stage with its dependencies', () => {
    const plan = planOf(definition(), { hostOs: 'linux', stage: 'test' });

    expect(plan.stages.map((item) => item.name)).toEqual(['Build', 'Test']);
    expect(plan.stages[0]!.jobs.map((item) => item.name)).toEqual(['Compile', 'Docs']);
  });

  it('keeps only the stage with noDeps', () => {
    const plan = planOf(definition(), { hostOs: 'linux', stage: 'Test', noDeps: true });

    expect(plan.stages.map((item) => item.name)).toEqual(['Test']);
    expect(plan.stages[0]!.dependsOn).toEqual([]);
  });

  it('keeps one matrix leg and what it needs', () => {
    const plan = planOf(definition(), { hostOs: 'linux', job: 'Report' });

    expect(plan.stages.map((item) => item.name)).toEqual(['Build', 'Test']);
    expect(plan.stages[1]!.jobs.map((item) => item.name)).toEqual(['Unit', 'Report']);

    const leg = planOf(definition(), { hostOs: 'linux', job: 'Test.Unit_py311', noDeps: true });
    expect(leg.stages.map((item) => item.name)).toEqual(['Test']);
    expect(leg.stages[0]!.jobs[0]!.instances.map((item) => item.name)).toEqual(['Unit_py311']);
  });

  it('lists the valid names for an unknown selection', () => {
    const stageResult = createRunPlan(definition(), { hostOs: 'linux', stage: 'Tset' });
    expect(stageResult.plan).toBeUndefined();
    expect(stageResult.diagnostics[0]!.code).toBe('PLAN008');
    expect(stageResult.diagnostics[0]!.hint).toBe('valid stages: Build, Test, Deploy');

    const jobResult = createRunPlan(definition(), { hostOs: 'linux', job: 'Unti' });
    expect(jobResult.diagnostics[0]!.code).toBe('PLAN009');
    expect(jobResult.diagnostics[0]!.hint).toContain('Unit_py311');
  });
});
