import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempRepository, type TempRepository } from '../helpers/temp-repository.js';
import { runSluice } from '../helpers/run-sluice.js';

const PIPELINE = [
  'stages:',
  '- stage: Build',
  '  jobs:',
  '  - job: Wheel',
  '    displayName: Build the wheel',
  '    steps:',
  '    - script: echo build',
  '      displayName: Build',
  '- stage: Test',
  '  jobs:',
  '  - job: Tests',
  '    strategy:',
  '      matrix:',
  '        py311: { python.version: "3.11" }',
  '        py312: { python.version: "3.12" }',
  '    steps:',
  '    - script: echo test',
  '  - job: OnWindows',
  '    pool: { vmImage: windows-latest }',
  '    steps:',
  '    - script: echo windows',
  '- stage: Publish',
  "  condition: and(succeeded(), eq(variables['Build.SourceBranch'], 'refs/heads/main'))",
  '  jobs:',
  '  - job: Upload',
  '    steps:',
  '    - script: echo upload',
  '',
].join('\n');

const repositories: TempRepository[] = [];
afterEach(() => {
  while (repositories.length > 0) repositories.pop()!.remove();
});

function repository(files: Record<string, string>): TempRepository {
  const created = createTempRepository(files);
  repositories.push(created);
  return created;
}

describe('sluice list', () => {
  it('lists stages, matrix legs and steps', async () => {
    const repo = repository({ 'azure-pipelines.yml': PIPELINE });
    const result = await runSluice(['list'], { cwd: repo.path });

    expect(result.code).toBe(0);
    for (const expected of ['Build', 'Build the wheel', 'Tests py311', 'Tests py312', 'Publish', 'echo upload']) {
      expect(result.stdout).toContain(expected);
    }
    expect(result.stdout).toMatch(/needs a windows agent/);
  });

  it('reads templates through --repository and takes --parameter', async () => {
    const tools = repository({ 'steps.yml': 'parameters:\n- name: greeting\n  default: hi\nsteps:\n- script: echo ${{ parameters.greeting }}\n' });
    const pipeline = [
      'parameters:',
      '- name: who',
      '  default: nobody',
      'resources:',
      '  repositories:',
      '  - repository: tools',
      '    type: git',
      '    name: tools',
      'steps:',
      '- template: steps.yml@tools',
      '  parameters:',
      '    greeting: hello ${{ parameters.who }}',
      '',
    ].join('\n');
    const repo = repository({ 'azure-pipelines.yml': pipeline });

    const result = await runSluice(['list', '--repository', `tools=${tools.path}`, '--parameter', 'who=world'], { cwd: repo.path });

    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('echo hello world');
  });
});

describe('sluice run --dry-run', () => {
  it('says why the main-only stage is skipped on another branch', async () => {
    const repo = repository({ 'azure-pipelines.yml': PIPELINE });
    const result = await runSluice(['run', '--dry-run', '--branch', 'feature/x'], { cwd: repo.path });

    expect(result.code).toBe(0);
    const publish = result.stdout.slice(result.stdout.indexOf('stage Publish'));
    expect(publish).toMatch(/false/i);
    expect(publish).toMatch(/skip/i);
  });

  it('predicts the main-only stage runs on main', async () => {
    const repo = repository({ 'azure-pipelines.yml': PIPELINE });
    const result = await runSluice(['run', '--dry-run'], { cwd: repo.path });

    expect(result.code).toBe(0);
    const publish = result.stdout.slice(result.stdout.indexOf('stage Publish'));
    expect(publish).not.toMatch(/would be skipped|will be skipped/i);
  });
});

describe('sluice validate', () => {
  it('accepts a valid pipeline with exit 0', async () => {
    const repo = repository({ 'azure-pipelines.yml': PIPELINE });
    const result = await runSluice(['validate'], { cwd: repo.path });

    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/valid/);
  });

  it('warns about an Azure-only task but accepts the YAML', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- task: AzureWebApp@1\n  inputs:\n    appName: x\n' });
    const result = await runSluice(['validate'], { cwd: repo.path });

    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/azure-pipelines\.yml:2:3: warning VAL003/);
  });

  it('reports errors as JSON with codes and positions', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: echo\n  timeoutInMinutes: soon\n' });
    const result = await runSluice(['validate', '--format', 'json'], { cwd: repo.path });

    expect(result.code).toBe(2);
    const report = JSON.parse(result.stdout) as { valid: boolean; diagnostics: { code: string; location?: { line: number } }[] }[];
    expect(report[0]!.valid).toBe(false);
    expect(report[0]!.diagnostics[0]!.code).toMatch(/^PIPE\d+$/);
    expect(report[0]!.diagnostics[0]!.location?.line).toBe(3);
  });
});

describe('sluice eval', () => {
  it('prints a value as JSON', async () => {
    const repo = repository({});
    writeFileSync(join(repo.path, 'context.json'), JSON.stringify({ variables: { 'Build.SourceBranch': 'refs/heads/main' } }));
    const result = await runSluice(['eval', "eq(variables['build.sourcebranch'], 'REFS/HEADS/MAIN')", '--context', 'context.json'], { cwd: repo.path });

    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toBe(true);
  });

  it('exits 2 with a code for a syntax error', async () => {
    const repo = repository({});
    const result = await runSluice(['eval', 'eq(1, 2'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/EXPR\d+/);
  });
});

describe('sluice command line', () => {
  it('exits 2 for an unknown command', async () => {
    const result = await runSluice(['frobnicate'], { cwd: process.cwd() });

    expect(result.code).toBe(2);
  });

  it('exits 2 when no pipeline file exists', async () => {
    const repo = repository({ 'README.md': 'nothing here\n' });
    const result = await runSluice(['run'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/CLI002/);
  });
});
