import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../../src/language/pipeline/load-pipeline.js';
import { fixturePath, normalizeText } from './pipeline-test-helpers.js';

describe('pipeline shapes', () => {
  it('steps shape gets the implicit stage and job', async () => {
    const { definition, diagnostics, sources } = await loadPipeline(fixturePath('steps-shape.yml'), { displayPath: 'steps-shape.yml' });
    expect(diagnostics).toEqual([]);
    expect(sources.get('steps-shape.yml')).toContain('Say hello');

    const [stage] = definition!.stages;
    expect(stage).toMatchObject({ name: '__default', implicit: true });
    const [job] = stage.jobs;
    expect(job).toMatchObject({ name: 'Job', implicit: true, continueOnError: true, timeoutInMinutes: 30, cancelTimeoutInMinutes: 5 });
    expect(definition!.pool).toMatchObject({ vmImage: 'ubuntu-latest' });
    expect(definition!.trigger).toEqual(['main']);
    expect(definition!.variables).toEqual([
      expect.objectContaining({ name: 'configuration', value: 'Release' }),
      expect.objectContaining({ name: 'enabled', value: 'true' }),
    ]);

    expect(job.steps.map((step) => step.type)).toEqual(['script', 'task', 'checkout']);
    expect(job.steps[0]).toMatchObject({ script: 'echo hello', name: 'hello', displayName: 'Say hello', enabled: true });
    expect(job.steps[0].location).toMatchObject({ file: 'steps-shape.yml', line: 11, column: 3 });
    expect(job.steps[1]).toMatchObject({ task: 'UsePythonVersion', version: '0', inputs: { versionSpec: '3.10', addToPath: 'true' } });
    expect(job.steps[2]).toMatchObject({ repository: 'self', fetchDepth: 1, submodules: 'recursive' });
  });

  it('jobs shape names anonymous jobs Job and Job1', async () => {
    const { definition, diagnostics } = await loadPipeline(fixturePath('jobs-shape.yml'));
    expect(diagnostics).toEqual([]);

    const [stage] = definition!.stages;
    expect(stage.name).toBe('__default');
    expect(stage.jobs.map((job) => job.name)).toEqual(['Linux', 'Job', 'Job1']);
    expect(stage.jobs[2].dependsOn.map((d) => d.value)).toEqual(['Linux']);
    expect(stage.jobs[0].strategy).toMatchObject({
      matrix: { py310: { 'python.version': '3.10' }, py311: { 'python.version': '3.11' } },
      maxParallel: 2,
    });
    expect(stage.jobs[0].timeoutInMinutes).toBe(60);
  });

  it('stages shape keeps stages, deployment hooks and variables', async () => {
    const { definition, diagnostics } = await loadPipeline(fixturePath('stages-shape.yml'));
    expect(diagnostics).toEqual([]);

    const [build, deploy] = definition!.stages;
    expect(build.dependsOn).toBeUndefined();
    expect(deploy.dependsOn?.map((d) => d.value)).toEqual(['Build']);
    expect(deploy.condition?.value).toBe('succeeded()');

    const compile = build.jobs[0];
    expect(compile.variables).toEqual([
      expect.objectContaining({ kind: 'variable', name: 'flavour', value: 'fast', readonly: true }),
      expect.objectContaining({ kind: 'group', name: 'shared-secrets' }),
    ]);
    expect(compile.steps[1]).toMatchObject({ type: 'publish', path: 'out', artifact: 'drop' });

    const web = deploy.jobs[0];
    expect(web).toMatchObject({ kind: 'deployment', name: 'Web', environment: { name: 'production', resourceName: 'web' } });
    expect(web.strategy?.deployment?.kind).toBe('runOnce');
    expect(web.strategy?.deployment?.hooks.deploy.steps[0]).toMatchObject({ type: 'download', source: 'current', artifact: 'drop' });
    expect(web.strategy?.deployment?.hooks['on.failure'].steps[0]).toMatchObject({ script: 'echo rollback' });
  });

  it('extends shape takes its steps from the template', async () => {
    const { definition, diagnostics } = await loadPipeline(fixturePath('extends-shape.yml'), { displayPath: 'extends-shape.yml' });
    expect(diagnostics).toEqual([]);
    const step = definition?.stages[0]?.jobs[0]?.steps[0];
    expect(step).toMatchObject({ type: 'script', script: 'echo building fast' });
    expect(step?.location.file).toBe('pipeline-template.yml');
    expect(step?.location.includedFrom?.file).toBe('extends-shape.yml');
  });

  it('legacy phases map to jobs with pool and matrix', async () => {
    const { definition, diagnostics } = await loadPipeline(fixturePath('legacy-phases.yml'));
    expect(diagnostics).toEqual([]);
    const [job] = definition!.stages[0].jobs;
    expect(job).toMatchObject({ name: 'test', pool: { name: 'Hosted Linux Preview' } });
    expect(job.strategy).toMatchObject({ matrix: { py37: { toxenv: 'py37' } }, maxParallel: 2 });
    expect(job.strategy?.parallel).toBeUndefined();
  });

  it('reports a missing file without throwing', async () => {
    const { definition, diagnostics } = await loadPipeline(fixturePath('does-not-exist.yml'), { displayPath: 'missing.yml' });
    expect(definition).toBeUndefined();
    expect(diagnostics[0]).toMatchObject({ code: 'PIPE021', location: { file: 'missing.yml' } });
  });

  it('reports an empty file', () => {
    const { diagnostics } = normalizeText('[]');
    expect(diagnostics[0].code).toBe('PIPE018');
  });
});

describe('scalar values', () => {
  it('keeps env and input values as written', () => {
    const { definition } = normalizeText(['steps:', '- script: x', '  env:', '    FLAG: true', '    NUM: 3.10', '    WORD: yes'].join('\n'));
    expect(definition!.stages[0].jobs[0].steps[0].env).toEqual({ FLAG: 'true', NUM: '3.10', WORD: 'yes' });
  });

  it.each(['true', 'y', 'Yes', 'ON', 'TRUE'])('reads %s as true', (word) => {
    const { definition, diagnostics } = normalizeText(`steps:\n- script: x\n  continueOnError: ${word}\n  enabled: ${word}\n`);
    expect(diagnostics).toEqual([]);
    expect(definition!.stages[0].jobs[0].steps[0]).toMatchObject({ continueOnError: true, enabled: true });
  });

  it.each(['false', 'n', 'No', 'OFF'])('reads %s as false', (word) => {
    const { definition } = normalizeText(`steps:\n- script: x\n  enabled: ${word}\n`);
    expect(definition!.stages[0].jobs[0].steps[0].enabled).toBe(false);
  });

  it('accepts task references with full versions and GUIDs', () => {
    const { definition, diagnostics } = normalizeText([
      'steps:',
      '- task: Bash@3.201.1',
      '- task: 6c731c3c-3c68-459a-a5c9-bde6e6595b5b@3',
    ].join('\n'));
    expect(diagnostics).toEqual([]);
    const steps = definition!.stages[0].jobs[0].steps;
    expect(steps[0]).toMatchObject({ task: 'Bash', version: '3.201.1' });
    expect(steps[1]).toMatchObject({ task: '6c731c3c-3c68-459a-a5c9-bde6e6595b5b', version: '3' });
  });
});

describe('optional keys', () => {
  it('keeps stage trigger, skippability and job uses', () => {
    const { definition, diagnostics } = normalizeText([
      'stages:',
      '- stage: Release',
      '  trigger: manual',
      '  isSkippable: no',
      '  jobs:',
      '  - job: Publish',
      '    uses:',
      '      repositories: [tools]',
      '      pools: [linux]',
      '    workspace:',
      '      clean: all',
      '    steps:',
      '    - checkout: self',
      '      fetchFilter: tree:0',
      '      workspaceRepo: true',
    ].join('\n'));
    expect(diagnostics).toEqual([]);

    const [stage] = definition!.stages;
    expect(stage).toMatchObject({ trigger: 'manual', isSkippable: false });
    expect(stage.jobs[0]).toMatchObject({ uses: { repositories: ['tools'], pools: ['linux'] }, workspaceClean: 'all' });
    expect(stage.jobs[0].steps[0]).toMatchObject({ fetchFilter: 'tree:0', workspaceRepo: true });
  });

  it('reports an invalid workspace clean value', () => {
    const { diagnostics } = normalizeText('workspace:\n  clean: everything\nsteps:\n- script: x\n');
    expect(diagnostics[0]).toMatchObject({ code: 'PIPE016', location: { line: 2, column: 10 } });
    expect(diagnostics[0].message).toContain('"everything"');
  });
});
