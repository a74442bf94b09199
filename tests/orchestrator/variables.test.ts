import { describe, expect, it } from 'vitest';
import { at, deps, job, jobsPipeline, located, pipeline, stage, variable } from '../plan/helpers/pipeline-builder.js';
import { jobOutcome, runDefinition } from './helpers/run-definition.js';
import { ScriptedExecutor } from './helpers/scripted-executor.js';
import type { JobRequest } from '../../src/runner/job-request.js';

function valueOf(request: JobRequest | undefined, name: string): string | undefined {
  if (request === undefined) throw new Error('the job did not run');
  const key = Object.keys(request.variables).find((item) => item.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : request.variables[key]!.value;
}

describe('variable precedence', () => {
  it('merges scopes with queue > job > stage > pipeline', async () => {
    const definition = pipeline(
      [
        stage('S', [
          job('J', {
            variables: [variable('c', 'job'), variable('ro', 'job'), variable('last', '1'), variable('last', '2'), variable('NAME', 'job')],
          }),
        ], { variables: [variable('b', 'stage'), variable('c', 'stage')] }),
      ],
      {
        variables: [
          variable('a', 'pipeline'),
          variable('b', 'pipeline'),
          variable('c', 'pipeline'),
          variable('d', 'pipeline'),
          variable('ro', 'pipeline', true),
          variable('Name', 'pipeline'),
          variable('Build.SourceBranch', 'refs/heads/other'),
        ],
      },
    );
    const executor = new ScriptedExecutor();

    const { events } = await runDefinition(definition, executor, {
      queueVariables: { d: 'queue', ro: 'queue' },
      secrets: { token: 's3cret' },
    });
    const request = executor.requestFor('J');
    const warnings = events.flatMap((event) => (event.type === 'issue' ? [event.message] : []));

    expect(valueOf(request, 'a')).toBe('pipeline');
    expect(valueOf(request, 'b')).toBe('stage');
    expect(valueOf(request, 'c')).toBe('job');
    expect(valueOf(request, 'd')).toBe('queue');
    expect(valueOf(request, 'ro')).toBe('pipeline');
    expect(valueOf(request, 'last')).toBe('2');
    expect(request!.variables['Name']?.value).toBe('job');
    expect(request!.variables['NAME']).toBeUndefined();
    expect(valueOf(request, 'Build.SourceBranch')).toBe('refs/heads/main');
    expect(request!.variables['token']).toEqual({ value: 's3cret', isSecret: true, readonly: false });
    expect(warnings).toEqual([
      "variable 'Build.SourceBranch' is read-only, so a later definition of it was ignored",
      "variable 'ro' is read-only, so a later definition of it was ignored",
    ]);
  });

  it('puts matrix leg variables at job scope', async () => {
    const definition = jobsPipeline([
      job('Tests', {
        variables: [variable('shared', 'job')],
        strategy: {
          matrix: { py310: { python: '3.10', shared: 'leg' }, py311: { python: '3.11' } },
          location: at(5),
        },
      }),
    ], { variables: [variable('python', 'pipeline')] });
    const executor = new ScriptedExecutor();

    await runDefinition(definition, executor);
    const second = executor.requestFor('Tests_py311');

    expect(valueOf(executor.requestFor('Tests_py310'), 'python')).toBe('3.10');
    expect(valueOf(second, 'python')).toBe('3.11');
    expect(valueOf(executor.requestFor('Tests_py310'), 'shared')).toBe('job');
    expect(valueOf(second, 'Agent.JobName')).toBe('py311');
    expect(valueOf(second, 'System.JobPositionInPhase')).toBe('2');
    expect(valueOf(second, 'System.TotalJobsInPhase')).toBe('2');
    expect(valueOf(second, 'System.PhaseName')).toBe('Tests');
    expect(second!.agentJobName).toBe('py311');
    expect(second!.positionInPhase).toBe(2);
    expect(second!.record).toEqual({
      id: '__default.Tests_py311',
      parentId: '__default',
      type: 'job',
      name: 'Tests_py311',
      displayName: 'Tests py311',
    });
  });

  it('gives slices their position', async () => {
    const executor = new ScriptedExecutor();
    await runDefinition(jobsPipeline([job('Shard', { strategy: { parallel: 2, location: at(5) } })]), executor);

    expect(valueOf(executor.requestFor('Shard_job2'), 'System.JobPositionInPhase')).toBe('2');
    expect(valueOf(executor.requestFor('Shard_job1'), 'System.TotalJobsInPhase')).toBe('2');
  });
});

describe('runtime expression variables', () => {
  it('evaluates in order at each scope', async () => {
    const definition = pipeline(
      [stage('S', [job('J', { variables: [variable('fromStage', '$[ variables.stageValue ]')] })], {
        variables: [variable('stageValue', "$[ format('{0}-stage', variables.first) ]")],
      })],
      {
        variables: [
          variable('first', 'one'),
          variable('second', '$[ variables.first ]'),
          variable('build', "$[ counter('build', 100) ]"),
          variable('missing', '$[ variables.nothing ]'),
        ],
      },
    );
    const executor = new ScriptedExecutor();
    const counts = new Map<string, number>();
    const counter = (prefix: string, seed: number): number => {
      const next = counts.has(prefix) ? counts.get(prefix)! + 1 : seed;
      counts.set(prefix, next);
      return next;
    };

    await runDefinition(definition, executor, { counter });
    const request = executor.requestFor('J');

    expect(valueOf(request, 'second')).toBe('one');
    expect(valueOf(request, 'build')).toBe('100');
    expect(valueOf(request, 'missing')).toBe('');
    expect(valueOf(request, 'stageValue')).toBe('one-stage');
    expect(valueOf(request, 'fromStage')).toBe('one-stage');
    expect(counts.get('build')).toBe(100);
  });

  it('fails the job on an invalid expression', async () => {
    const broken = variable('bad', '$[ eq(1, ]');
    const definition = jobsPipeline([job('J', { variables: [broken] }), job('Other')]);
    const executor = new ScriptedExecutor();

    const { outcome } = await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['Other']);
    expect(jobOutcome(outcome, 'J').result).toBe('failed');
    expect(jobOutcome(outcome, 'J').reason).toContain(`azure-pipelines.yml:${broken.location.line}:`);
  });
});

describe('output variables', () => {
  it('reach direct dependants in the same stage', async () => {
    const definition = jobsPipeline([
      job('A'),
      job('B', {
        dependsOn: deps('A'),
        variables: [variable('got', "$[ dependencies.A.outputs['setter.out'] ]")],
      }),
      job('C', {
        dependsOn: deps('B'),
        variables: [variable('indirect', "$[ dependencies.A.outputs['setter.out'] ]")],
        condition: located("eq(dependencies.B.outputs['other.flag'], 'yes')"),
      }),
    ]);
    const executor = new ScriptedExecutor({
      A: { outputs: { 'setter.out': 'from-a' } },
      B: { outputs: { 'other.flag': 'yes' } },
    });

    await runDefinition(definition, executor);

    expect(valueOf(executor.requestFor('B'), 'got')).toBe('from-a');
    expect(valueOf(executor.requestFor('C'), 'indirect')).toBe('');
  });

  it('reach jobs and conditions of the next stage', async () => {
    const definition = pipeline([
      stage('Build', [job('Make')]),
      stage('Test', [
        job('Check', { variables: [variable('version', "$[ stageDependencies.Build.Make.outputs['meta.version'] ]")] }),
      ], {
        condition: located("eq(dependencies.Build.outputs['Make.meta.version'], '1.2.3')"),
        variables: [variable('stageVersion', "$[ dependencies.Build.outputs['Make.meta.version'] ]")],
      }),
      stage('Deploy', [
        job('Ship', { variables: [variable('tooFar', "$[ stageDependencies.Build.Make.outputs['meta.version'] ]")] }),
      ]),
    ]);
    const executor = new ScriptedExecutor({ Make: { outputs: { 'meta.version': '1.2.3' } } });

    await runDefinition(definition, executor);

    expect(valueOf(executor.requestFor('Check'), 'version')).toBe('1.2.3');
    expect(valueOf(executor.requestFor('Check'), 'stageVersion')).toBe('1.2.3');
    expect(valueOf(executor.requestFor('Ship'), 'tooFar')).toBe('');
  });

  it('prefix matrix leg outputs with the leg name', async () => {
    const definition = pipeline([
      stage('S1', [
        job('M', { strategy: { matrix: { linux: {}, mac: {} }, location: at(5) } }),
        job('After', {
          dependsOn: deps('M'),
          variables: [variable('fromMac', "$[ dependencies.M.outputs['mac.step.os'] ]")],
        }),
      ]),
      stage('S2', [job('Next')], {
        variables: [variable('fromLinux', "$[ dependencies.S1.outputs['M.linux.step.os'] ]")],
      }),
    ]);
    const executor = new ScriptedExecutor({
      M_linux: { outputs: { 'step.os': 'linux' } },
      M_mac: { outputs: { 'step.os': 'mac' } },
    });

    await runDefinition(definition, executor);

    expect(valueOf(executor.requestFor('After'), 'fromMac')).toBe('mac');
    expect(valueOf(executor.requestFor('Next'), 'fromLinux')).toBe('linux');
  });
});

describe('matrix from a runtime expression', () => {
  const legsExpression = "$[ dependencies.Gen.outputs['legs.json'] ]";

  it('expands the JSON output of a dependency', async () => {
    const definition = jobsPipeline([
      job('Gen'),
      job('T', { dependsOn: deps('Gen'), strategy: { matrix: located(legsExpression), location: at(8) } }),
    ]);
    const executor = new ScriptedExecutor({
      // Azure's own example uses single quotes.
      Gen: { outputs: { 'legs.json': "{'x':{'v':'1'},'y':{'v':'2'}}" } },
    });

    const { outcome, events } = await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['Gen', 'T_x', 'T_y']);
    expect(events.some((event) => event.type === 'issue')).toBe(false);
    expect(valueOf(executor.requestFor('T_y'), 'v')).toBe('2');
    expect(executor.requestFor('T_y')!.totalJobsInPhase).toBe(2);
    expect(jobOutcome(outcome, 'T_x').displayName).toBe('T x');
  });

  it('warns about undocumented leg names', async () => {
    const definition = jobsPipeline([
      job('Gen'),
      job('T', { dependsOn: deps('Gen'), strategy: { matrix: located(legsExpression), location: at(8) } }),
    ]);
    const executor = new ScriptedExecutor({ Gen: { outputs: { 'legs.json': '{"py 3.12": {}, "ok": {}}' } } });

    const { events } = await runDefinition(definition, executor);
    const issues = events.filter((event) => event.type === 'issue');

    expect(executor.ran()).toEqual(['Gen', 'T_py 3.12', 'T_ok']);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ recordId: '__default', issueType: 'warning', code: 'PLAN010' });
  });

  it('fails the job when the output is not a matrix', async () => {
    const definition = jobsPipeline([
      job('Gen'),
      job('T', { dependsOn: deps('Gen'), strategy: { matrix: located(legsExpression), location: at(8) } }),
    ]);
    const executor = new ScriptedExecutor({ Gen: { outputs: { 'legs.json': '["a"]' } } });

    const { outcome } = await runDefinition(definition, executor);

    expect(executor.ran()).toEqual(['Gen']);
    expect(jobOutcome(outcome, 'T').result).toBe('failed');
    expect(jobOutcome(outcome, 'T').reason).toContain('PLAN013');
    expect(jobOutcome(outcome, 'T').reason).toContain('expected a JSON object of matrix legs, got an array');
  });
});
