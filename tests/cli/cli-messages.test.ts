import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempRepository, type TempRepository } from '../helpers/temp-repository.js';
import { parseJsonLines, runSluice } from '../helpers/run-sluice.js';

const repositories: TempRepository[] = [];
const folders: string[] = [];
afterEach(() => {
  while (repositories.length > 0) repositories.pop()!.remove();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function repository(files: Record<string, string>): TempRepository {
  const created = createTempRepository(files);
  repositories.push(created);
  return created;
}

function workDir(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-messages-'));
  folders.push(folder);
  return folder;
}

const WINDOWS_PIPELINE = [
  'jobs:',
  '- job: Win',
  '  pool:',
  '    vmImage: windows-latest',
  '  steps:',
  '  - script: echo on windows',
  '- job: Linux',
  "  condition: eq(variables['Build.SourceBranchName'], 'release')",
  '  steps:',
  '  - script: echo on linux',
  '',
].join('\n');

describe('sluice run messages', () => {
  it('dry run prints the plan as JSON', async () => {
    const repo = repository({ 'azure-pipelines.yml': WINDOWS_PIPELINE });
    const result = await runSluice(['run', '--dry-run', '--output', 'json'], { cwd: repo.path });

    expect(result.code).toBe(0);
    const lines = parseJsonLines(result.stdout);
    expect(lines).toHaveLength(1);
    const plan = lines[0] as { type: string; stages: { jobs: { name: string; condition?: { prediction?: string; outcome?: string }; instances: { skipReason?: string }[]; steps: { script?: string }[] }[] }[] };
    expect(plan.type).toBe('plan');
    const [win, linux] = plan.stages[0]!.jobs;
    expect(win!.name).toBe('Win');
    expect(win!.instances[0]!.skipReason).toContain('--platform windows-latest=host');
    expect(win!.steps[0]!.script).toBe('echo on windows');
    expect(linux!.condition?.prediction).toBe('skip');
    expect(linux!.condition?.outcome).toMatch(/^false, would be skipped/);
  });

  it('invalid pipeline prints an error line in JSON mode', async () => {
    const repo = repository({ 'bad.yml': 'steps:\n- script: echo hi\n  bogus: 1\n' });
    const result = await runSluice(['run', 'bad.yml', '--output', 'json'], { cwd: repo.path });

    expect(result.code).toBe(2);
    const lines = parseJsonLines(result.stdout);
    expect(lines).toHaveLength(1);
    expect(lines[0]!.type).toBe('error');
    const diagnostics = lines[0]!.diagnostics as { code: string; severity: string; location?: { line: number } }[];
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]!.severity).toBe('error');
    expect(diagnostics[0]!.location?.line).toBe(3);
  });

  it('missing pipeline is error CLI002 with a hint', async () => {
    const repo = repository({ 'README.md': 'no pipeline here\n' });
    const result = await runSluice(['run', 'missing.yml'], { cwd: repo.path });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error CLI002: pipeline file 'missing.yml' not found\n {2}hint: /);
  });

  it('option errors are error CLI003 with a hint', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- script: echo hi\n' });
    const jobs = await runSluice(['run', '--jobs', '0'], { cwd: repo.path });
    expect(jobs.code).toBe(2);
    expect(jobs.stderr).toMatch(/^error CLI003: invalid --jobs '0'/);
    expect(jobs.stderr).toContain('  hint: pass the number of jobs to run at once, such as --jobs 2');

    const platform = await runSluice(['list', '--platform', 'windows=foo'], { cwd: repo.path });
    expect(platform.code).toBe(2);
    expect(platform.stderr).toContain("error CLI003: invalid --platform 'windows=foo'");
    expect(platform.stderr).toContain('hint: write --platform windows=host');
  });

  it('eval errors start with the code and explain plus', async () => {
    const result = await runSluice(['eval', '1 + 2'], { cwd: process.cwd() });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error EXPR\d+: The operator '\+' is not supported/);
    expect(result.stderr).toContain('no arithmetic');
    expect(result.stderr).not.toContain('Use the function form');
    expect(result.stderr).toContain('^');
  });

  it('checkout of one file says 1 file', async () => {
    const repo = repository({ 'azure-pipelines.yml': 'steps:\n- checkout: self\n- script: echo done\n' });
    const result = await runSluice(['run', '--output', 'json', '--work-dir', workDir()], { cwd: repo.path });

    expect(result.code).toBe(0);
    const checkedOut = parseJsonLines(result.stdout).find((event) => String(event.line ?? '').startsWith("checked out 'self'"));
    expect(checkedOut?.line).toMatch(/^checked out 'self': 1 file from /);
  });
});
