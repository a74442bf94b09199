import { describe, expect, it } from 'vitest';
import { describeLocation, explainVariable } from '../../../src/language/validation/explain-variable.js';
import { normalizeText } from '../pipeline/pipeline-test-helpers.js';

const PIPELINE = [
  'variables:',
  '  level: pipeline', // line 2
  '  frozen: first',
  'stages:',
  '- stage: Build',
  '  variables:',
  '    level: stage', // line 7
  '    onlyBuild: yes',
  '  jobs:',
  '  - job: Compile',
  '    variables:',
  '    - name: level', // line 12
  '      value: job-first',
  '    - name: level', // line 14
  '      value: job-last',
  '    steps:',
  '    - script: |',
  '        echo "##vso[task.setvariable variable=token;issecret=true]abc"',
  '        echo "##vso[task.setvariable variable=version;isOutput=true]1.0"',
  '      name: setVars',
  '    - script: echo $TOKEN',
  '  - job: Matrix',
  '    strategy:',
  '      matrix:',
  '        py311: { level: leg-311 }',
  '        py312: { python.version: "3.12" }',
  '    steps:',
  '    - script: echo $(level)',
  '- stage: Test',
  '  jobs:',
  '  - job: Read',
  '    variables:',
  "      fromBuild: $[ stageDependencies.Build.Compile.outputs['setVars.version'] ]",
  "      sameStage: $[ dependencies.Other.outputs['x.y'] ]",
  '    steps:',
  '    - script: echo $(fromBuild)',
  '  - job: Other',
  '    variables:',
  '    - name: frozen',
  '      value: locked',
  '      readonly: true',
  '    - name: frozen',
  '      value: changed',
  '    steps:',
  '    - script: echo hi',
  '- stage: Deploy',
  '  dependsOn: []',
  '  jobs:',
  '  - job: Ship',
  '    variables:',
  "      late: $[ stageDependencies.Build.Compile.outputs['setVars.version'] ]",
  '    steps:',
  '    - script: echo $(late)',
].join('\n');

function definition() {
  const normalized = normalizeText(PIPELINE + '\n');
  expect(normalized.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return normalized.definition!;
}

function jobOf(result: ReturnType<typeof explainVariable>, job: string, leg?: string) {
  const found = result.jobs.find((item) => item.job === job && item.matrixLeg === leg);
  expect(found, `job ${job} ${leg ?? ''}`).toBeDefined();
  return found!;
}

describe('explain variable', () => {
  it('orders pipeline, stage and job sites and picks the last job value', () => {
    const compile = jobOf(explainVariable(definition(), 'LEVEL', { stage: 'build', job: 'compile' }), 'Compile');
    expect(compile.sites.map((site) => [site.scope, site.value, site.location?.line])).toEqual([
      ['pipeline', 'pipeline', 2],
      ['stage', 'stage', 7],
      ['job', 'job-first', 12],
      ['job', 'job-last', 14],
    ]);
    expect(compile.winner?.value).toBe('job-last');
    expect(compile.reasons.at(-1)).toContain('in one scope the last definition wins');
  });

  it('gives each matrix leg its own answer', () => {
    const result = explainVariable(definition(), 'level', { job: 'Matrix' });
    expect(jobOf(result, 'Matrix', 'py311').winner).toMatchObject({ scope: 'matrix', value: 'leg-311', matrixLeg: 'py311' });
    expect(jobOf(result, 'Matrix', 'py312').winner).toMatchObject({ scope: 'stage', value: 'stage' });
  });

  it('lets a queue-time value win over the job', () => {
    const compile = jobOf(explainVariable(definition(), 'level', { job: 'Compile', queueVariables: { Level: 'queued' } }), 'Compile');
    expect(compile.winner).toMatchObject({ scope: 'queue-time', value: 'queued' });
    expect(compile.reasons.at(-1)).toContain('queue-time value');
  });

  it('keeps a read-only value', () => {
    const other = jobOf(explainVariable(definition(), 'frozen', { job: 'Other' }), 'Other');
    expect(other.winner).toMatchObject({ scope: 'job', value: 'locked', readonly: true });
    expect(other.reasons.some((reason) => reason.includes('is ignored because it is read-only'))).toBe(true);
  });

  it('keeps predefined system variables', () => {
    const result = explainVariable(definition(), 'build.sourcebranch', { job: 'Compile' });
    expect(result.predefined).toBe('Build.SourceBranch');
    expect(jobOf(result, 'Compile').winner?.scope).toBe('predefined');
  });

  it('explains a value set by a step and a secret read without env', () => {
    const compile = jobOf(explainVariable(definition(), 'token', { job: 'Compile' }), 'Compile');
    expect(compile.winner).toMatchObject({ scope: 'runtime', isSecret: true, step: "'setVars'" });
    expect(compile.reasons.some((reason) => reason.includes('only later steps'))).toBe(true);
    expect(compile.emptyReasons.some((reason) => reason.includes('secrets are not put into the environment') && reason.includes('TOKEN'))).toBe(true);
  });

  it('finds an output read as step.variable', () => {
    const compile = jobOf(explainVariable(definition(), 'setVars.version', { job: 'Compile' }), 'Compile');
    expect(compile.winner).toMatchObject({ scope: 'runtime', name: 'setVars.version', readonly: true });
  });

  it('keeps an output out of its plain name', () => {
    // The runner sets only $(setVars.version), so 'version' has no definition in the job.
    const compile = jobOf(explainVariable(definition(), 'version', { job: 'Compile' }), 'Compile');
    expect(compile.winner).toBeUndefined();
    expect(compile.sites.some((site) => site.isOutput)).toBe(false);
  });

  it('explains a runtime expression outside dependsOn', () => {
    const result = explainVariable(definition(), 'late', { stage: 'Deploy' });
    const ship = jobOf(result, 'Ship');
    expect(ship.winner?.resolution).toBe('runtime-expression');
    expect(ship.emptyReasons).toEqual([expect.stringContaining("'Build' is not in the dependsOn of stage 'Deploy'")]);

    const read = jobOf(explainVariable(definition(), 'fromBuild', { stage: 'Test' }), 'Read');
    expect(read.emptyReasons).toEqual([]);
    const sameStage = jobOf(explainVariable(definition(), 'sameStage', { stage: 'Test', job: 'Read' }), 'Read');
    expect(sameStage.emptyReasons).toEqual([expect.stringContaining("'Other' is not in the dependsOn of job 'Read'")]);
  });

  it('explains a name defined only in another stage', () => {
    const read = jobOf(explainVariable(definition(), 'onlyBuild', { stage: 'Test', job: 'Read' }), 'Read');
    expect(read.winner).toBeUndefined();
    expect(read.emptyReasons[0]).toContain("no scope of job 'Test.Read' defines 'onlyBuild'");
    expect(read.emptyReasons[1]).toContain("defined only in stage 'Build' (inline.yml:8:");
  });

  it('explains a name set by a step of another job', () => {
    const read = jobOf(explainVariable(definition(), 'token', { stage: 'Test', job: 'Read' }), 'Read');
    expect(read.winner).toBeUndefined();
    expect(read.emptyReasons.some((reason) => reason.includes("job 'Build.Compile' sets it at run time") && reason.includes('isOutput=true'))).toBe(true);
  });

  it('explains every job without a selection', () => {
    const result = explainVariable(definition(), 'level');
    expect(result.jobs.map((job) => `${job.stage}.${job.job}${job.matrixLeg ? `.${job.matrixLeg}` : ''}`)).toEqual([
      'Build.Compile',
      'Build.Matrix.py311',
      'Build.Matrix.py312',
      'Test.Read',
      'Test.Other',
      'Deploy.Ship',
    ]);
    expect(jobOf(result, 'Read').winner).toMatchObject({ scope: 'pipeline', value: 'pipeline' });
  });

  it('reports an unknown stage or job', () => {
    expect(explainVariable(definition(), 'level', { stage: 'Nope' }).problems).toEqual([expect.stringContaining("stage 'Nope' not found; the stages are Build, Test, Deploy")]);
    expect(explainVariable(definition(), 'level', { job: 'Nope' }).problems).toEqual([expect.stringContaining("job 'Nope' not found")]);
  });

  it('prints the template chain of a location', () => {
    const location = {
      file: 'templates/vars.yml',
      line: 3,
      column: 5,
      includedFrom: { file: 'templates/stage.yml', line: 10, column: 3, includedFrom: { file: 'azure-pipelines.yml', line: 7, column: 3 } },
    };
    expect(describeLocation(location)).toBe('templates/vars.yml:3:5, included from templates/stage.yml:10:3 ← azure-pipelines.yml:7:3');
  });
});

describe('explainVariable output advice', () => {
  const yaml = [
    'stages:',
    '- stage: Build',
    '  jobs:',
    '  - job: Wheel',
    '    steps:',
    "    - bash: echo '##vso[task.setvariable variable=version;isOutput=true]1.2'",
    '      name: setvars',
    '  - job: Lint',
    '    steps:',
    '    - script: echo $(version)',
    '- stage: Deploy',
    '  jobs:',
    '  - job: Ship',
    '    steps:',
    '    - script: echo $(version)',
    '',
  ].join('\n');

  it('names the step for a job in the same stage', () => {
    const { definition } = normalizeText(yaml);
    const explanation = explainVariable(definition!, 'version', { stage: 'Build', job: 'Lint' });
    const text = explanation.jobs.flatMap((job) => [...job.reasons, ...job.emptyReasons]).join('\n');

    expect(text).toContain("it is already an output, so read it through $[ dependencies.Wheel.outputs['setvars.version'] ] with dependsOn: Wheel");
  });

  it('uses stageDependencies from a later stage', () => {
    const { definition } = normalizeText(yaml);
    const explanation = explainVariable(definition!, 'version', { stage: 'Deploy', job: 'Ship' });
    const text = explanation.jobs.flatMap((job) => [...job.reasons, ...job.emptyReasons]).join('\n');

    expect(text).toContain("$[ stageDependencies.Build.Wheel.outputs['setvars.version'] ] with stage 'Deploy' depending on 'Build'");
  });

  it('gives no dependsOn advice that closes a cycle', () => {
    const laterSetter = [
      'stages:',
      '- stage: Build',
      '  jobs:',
      '  - job: Wheel',
      '    steps:',
      '    - script: echo $(version)',
      '  - job: Lint',
      '    dependsOn: Wheel',
      '    steps:',
      "    - bash: echo '##vso[task.setvariable variable=version;isOutput=true]1.2'",
      '      name: setvars',
      '- stage: Deploy',
      '  jobs:',
      '  - job: Ship',
      '    steps:',
      "    - bash: echo '##vso[task.setvariable variable=version;isOutput=true]1.3'",
      '      name: setvars',
      '',
    ].join('\n');
    const { definition } = normalizeText(laterSetter);
    const explanation = explainVariable(definition!, 'version', { stage: 'Build', job: 'Wheel' });
    const text = explanation.jobs.flatMap((job) => [...job.reasons, ...job.emptyReasons]).join('\n');

    expect(text).toContain("job 'Lint' depends on job 'Wheel' and runs after it");
    expect(text).toContain("stage 'Deploy' depends on stage 'Build' and runs after it");
    expect(text).not.toContain('dependsOn: Lint');
    expect(text).not.toContain('stageDependencies');
  });
});
