import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { preparePipeline } from '../../src/cli/prepare-pipeline.js';
import type { Diagnostic } from '../../src/language/diagnostic.js';

/*
 * One mistake gives one diagnostic. Each case is a pipeline with one mistake,
 * checked the way `sluice validate` does (load, expand, normalise, validate, plan),
 * and the test counts every diagnostic it gets.
 */

const folder = mkdtempSync(join(tmpdir(), 'sluice-duplicates-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Writes `files` into a fresh folder and checks `azure-pipelines.yml` there. */
async function check(name: string, files: Record<string, string>): Promise<Diagnostic[]> {
  const root = mkdtempSync(join(folder, `${name}-`));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, file), text);
  const prepared = await preparePipeline(
    { path: join(root, 'azure-pipelines.yml'), displayPath: 'azure-pipelines.yml', sourceRoot: root },
    { hostOs: 'linux' },
    'check',
  );
  return prepared.diagnostics;
}

function describeAll(diagnostics: Diagnostic[]): string {
  return diagnostics.map((item) => `${item.code} ${item.location?.file}:${item.location?.line}:${item.location?.column} ${item.message}`).join('\n');
}

describe('one diagnostic per mistake', () => {
  it('top-level key written twice', async () => {
    const diagnostics = await check('twice', {
      'azure-pipelines.yml': 'steps:\n- script: echo a\nsteps:\n- script: echo b\n',
    });

    expect(diagnostics, describeAll(diagnostics)).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('YAML003');
    expect(diagnostics[0]!.location).toMatchObject({ line: 3, column: 1 });
  });

  it('expression ending inside a call', async () => {
    const diagnostics = await check('expression', {
      'azure-pipelines.yml': 'steps:\n- script: echo ${{ eq(1, }}\n',
    });

    expect(diagnostics, describeAll(diagnostics)).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('EXPR005');
    expect(diagnostics[0]!.location).toMatchObject({ file: 'azure-pipelines.yml', line: 2 });
  });

  it('duplicate key written twice', async () => {
    const diagnostics = await check('duplicate-key', {
      'azure-pipelines.yml': 'steps:\n- script: echo hi\n  displayName: one\n  displayName: two\n',
    });

    expect(diagnostics, describeAll(diagnostics)).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('YAML003');
    expect(diagnostics[0]!.message).toContain('"displayName"');
  });

  it('duplicate key from two true ifs', async () => {
    const diagnostics = await check('if-clash', {
      'azure-pipelines.yml': [
        'parameters:',
        '- name: x',
        '  default: a',
        'steps:',
        '- script: echo hi',
        "  ${{ if eq(parameters.x, 'a') }}:",
        '    displayName: one',
        "  ${{ if eq(parameters.x, 'a') }}:",
        '    displayName: two',
        '',
      ].join('\n'),
    });

    expect(diagnostics, describeAll(diagnostics)).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('TPL026');
    expect(diagnostics[0]!.location).toMatchObject({ line: 9 });
  });

  it('repeated if and else keys are accepted', async () => {
    const diagnostics = await check('if-else', {
      'azure-pipelines.yml': [
        'parameters:',
        '- name: x',
        '  default: a',
        'steps:',
        '- script: echo hi',
        "  ${{ if eq(parameters.x, 'a') }}:",
        '    displayName: one',
        '  ${{ else }}:',
        '    displayName: two',
        "  ${{ if eq(parameters.x, 'a') }}:",
        '    env:',
        '      A: b',
        '  ${{ else }}:',
        '    env:',
        '      A: c',
        '',
      ].join('\n'),
    });

    expect(diagnostics, describeAll(diagnostics)).toEqual([]);
  });

  it('job dependency cycle', async () => {
    const diagnostics = await check('cycle', {
      'azure-pipelines.yml': [
        'jobs:',
        '- job: A',
        '  dependsOn: B',
        '  steps:',
        '  - script: echo a',
        '- job: B',
        '  dependsOn: A',
        '  steps:',
        '  - script: echo b',
        '',
      ].join('\n'),
    });

    expect(diagnostics, describeAll(diagnostics)).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('PLAN004');
  });

  it('undefined variable in a template step of two jobs', async () => {
    const diagnostics = await check('macro', {
      'azure-pipelines.yml': [
        'jobs:',
        '- template: job.yml',
        '  parameters:',
        '    name: Linux',
        '- template: job.yml',
        '  parameters:',
        '    name: Windows',
        '',
      ].join('\n'),
      'job.yml': [
        'parameters:',
        '- name: name',
        'jobs:',
        '- job: ${{ parameters.name }}',
        '  steps:',
        '  - script: echo $(missingValue)',
        '',
      ].join('\n'),
    });

    expect(diagnostics, describeAll(diagnostics)).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('VAL006');
    expect(diagnostics[0]!.message).toContain("no scope of jobs 'Linux' and 'Windows' defines");
    expect(diagnostics[0]!.location).toMatchObject({ file: 'job.yml', line: 6 });
  });

  it('Azure-only task with a service connection', async () => {
    const diagnostics = await check('azure-task', {
      'azure-pipelines.yml': [
        'steps:',
        '- task: AzureCLI@2',
        '  inputs:',
        '    azureSubscription: production',
        '    scriptType: bash',
        '    scriptLocation: inlineScript',
        '    inlineScript: az account show',
        '',
      ].join('\n'),
    });

    expect(diagnostics, describeAll(diagnostics)).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('VAL003');
  });

  it('mistake in a template included twice', async () => {
    const diagnostics = await check('template', {
      'azure-pipelines.yml': [
        'stages:',
        '- stage: one',
        '  jobs:',
        '  - template: job.yml',
        '- stage: two',
        '  jobs:',
        '  - template: job.yml',
        '',
      ].join('\n'),
      'job.yml': 'jobs:\n- job: build\n  timeoutInMinutes: soon\n  steps:\n  - script: echo hi\n',
    });

    expect(diagnostics, describeAll(diagnostics)).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('PIPE002');
    expect(diagnostics[0]!.location).toMatchObject({ file: 'job.yml', line: 3, includedFrom: { line: 4 } });
  });
});
