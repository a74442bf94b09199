import { describe, expect, it } from 'vitest';
import { chainOf, expandFiles, nodeAt } from './expand-case.js';

const NESTED = {
  'azure-pipelines.yml': ['stages:', '- template: ci/stage.yml', '  parameters:', '    pool:', '      vmImage: ubuntu-latest', ''].join('\n'),
  'ci/stage.yml': [
    'parameters:',
    '- name: pool',
    '  type: object',
    '- name: label',
    '  type: string',
    '  default: from-default',
    'stages:',
    '- stage: build',
    '  jobs:',
    '  - template: job.yml',
    '    parameters:',
    '      pool: ${{ parameters.pool }}',
    '      label: ${{ parameters.label }}',
    '',
  ].join('\n'),
  'ci/job.yml': [
    'parameters:',
    '- name: pool',
    '  type: object',
    '- name: label',
    '  type: string',
    'jobs:',
    '- job: compile',
    '  pool: ${{ parameters.pool }}',
    '  steps:',
    '  - script: echo ${{ upper(parameters.label) }}',
    '    displayName: ${{ parameters.label }}',
    '',
  ].join('\n'),
};

describe('expanded node locations', () => {
  it('keeps root file nodes without a chain', async () => {
    const result = await expandFiles(NESTED);
    expect(result.diagnostics).toEqual([]);

    const stage = nodeAt(result.root, 'stages', 0);
    expect(chainOf(stage.location)).toEqual(['ci/stage.yml:8:3', 'azure-pipelines.yml:2:3']);
    expect(result.root?.location.includedFrom).toBeUndefined();
  });

  it('nests the include chain', async () => {
    const result = await expandFiles(NESTED);

    const script = nodeAt(result.root, 'stages', 0, 'jobs', 0, 'steps', 0, 'script');
    expect(script).toMatchObject({ kind: 'scalar', text: 'echo FROM-DEFAULT' });
    expect(chainOf(script.location)).toEqual(['ci/job.yml:10:13', 'ci/stage.yml:10:5', 'azure-pipelines.yml:2:3']);
  });

  it('keeps the caller location of passed objects', async () => {
    const result = await expandFiles(NESTED);

    const vmImage = nodeAt(result.root, 'stages', 0, 'jobs', 0, 'pool', 'vmImage');
    expect(chainOf(vmImage.location)).toEqual(['azure-pipelines.yml:5:16']);
  });

  it('places defaults in the template with its chain', async () => {
    const result = await expandFiles(NESTED);

    const displayName = nodeAt(result.root, 'stages', 0, 'jobs', 0, 'steps', 0, 'displayName');
    expect(displayName).toMatchObject({ kind: 'scalar', text: 'from-default' });
    expect(chainOf(displayName.location)).toEqual(['ci/stage.yml:6:12', 'azure-pipelines.yml:2:3']);
  });

  it('records the text of every file read', async () => {
    const result = await expandFiles(NESTED);

    expect([...result.files.keys()].sort()).toEqual(['azure-pipelines.yml', 'ci/job.yml', 'ci/stage.yml']);
    expect(result.files.get('ci/job.yml')).toBe(NESTED['ci/job.yml']);
  });

  it('points expression errors into the template', async () => {
    const files = { ...NESTED, 'ci/job.yml': NESTED['ci/job.yml'].replace('upper(parameters.label)', "noSuchFunction('x')") };
    const result = await expandFiles(files);

    expect(result.diagnostics).toHaveLength(1);
    const [diagnostic] = result.diagnostics;
    expect(diagnostic.code).toMatch(/^EXPR/);
    expect(chainOf(diagnostic.location!)).toEqual(['ci/job.yml:10:22', 'ci/stage.yml:10:5', 'azure-pipelines.yml:2:3']);
  });
});
