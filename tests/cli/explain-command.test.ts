import { afterEach, describe, expect, it } from 'vitest';
import { runExplainCommand } from '../../src/cli/commands/explain-command.js';
import type { CliIo } from '../../src/cli/cli-io.js';
import { createTempRepository, type TempRepository } from '../helpers/temp-repository.js';

const PIPELINE = [
  'variables:',
  '  configuration: Debug',
  'stages:',
  '- stage: Build',
  '  jobs:',
  '  - job: Test',
  '    strategy:',
  '      matrix:',
  '        fast: { configuration: Release }',
  '        slow: { other: x }',
  '    steps:',
  '    - script: echo $(configuration)',
  '- stage: Publish',
  '  jobs:',
  '  - job: Upload',
  '    steps:',
  '    - script: echo $(configuration)',
  '',
].join('\n');

const repositories: TempRepository[] = [];
afterEach(() => {
  while (repositories.length > 0) repositories.pop()!.remove();
});

function bufferedIo(cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { stdout: (text) => out.push(text), stderr: (text) => err.push(text), isTerminal: false, color: false, cwd };
  return { io, stdout: () => out.join(''), stderr: () => err.join('') };
}

function repository(): string {
  const created = createTempRepository({ 'azure-pipelines.yml': PIPELINE });
  repositories.push(created);
  return created.path;
}

describe('sluice explain', () => {
  it('groups jobs that see the same value', async () => {
    const buffer = bufferedIo(repository());
    const code = await runExplainCommand('Configuration', {}, buffer.io);

    expect(code).toBe(0);
    const text = buffer.stdout();
    expect(text).toContain("Variable 'Configuration'");
    expect(text).toContain('In Build.Test (matrix leg fast):');
    expect(text).toContain("matrix leg 'fast' (azure-pipelines.yml:9:9) = 'Release'");
    expect(text).toContain('In Build.Test (matrix leg slow), Publish.Upload:');
    expect(text).toContain("Value: the pipeline variable at azure-pipelines.yml:2:3 = 'Debug'");
  });

  it('explains one job with a queue-time value', async () => {
    const buffer = bufferedIo(repository());
    const code = await runExplainCommand('configuration', { stage: 'Publish', job: 'Upload', variable: ['configuration=Queued'] }, buffer.io);

    expect(code).toBe(0);
    const text = buffer.stdout();
    expect(text).toContain('In Publish.Upload:');
    expect(text).toContain("Value: the queue-time value (--variable) = 'Queued'");
    expect(text).toContain('given when the run is queued');
    expect(text).not.toContain('Build.Test');
  });

  it('explains an undefined variable', async () => {
    const buffer = bufferedIo(repository());
    const code = await runExplainCommand('other', { job: 'Upload' }, buffer.io);

    expect(code).toBe(0);
    expect(buffer.stdout()).toContain('Value: not defined');
    expect(buffer.stdout()).toContain("defined only in job 'Build.Test'");
  });

  it('prints JSON', async () => {
    const buffer = bufferedIo(repository());
    expect(await runExplainCommand('configuration', { job: 'Upload', format: 'json' }, buffer.io)).toBe(0);
    const parsed = JSON.parse(buffer.stdout()) as { jobs: { job: string; winner: { scope: string } }[] };
    expect(parsed.jobs).toHaveLength(1);
    expect(parsed.jobs[0]!.winner.scope).toBe('pipeline');
  });

  it('exits 2 for an unknown stage', async () => {
    const buffer = bufferedIo(repository());
    expect(await runExplainCommand('configuration', { stage: 'Nope' }, buffer.io)).toBe(2);
    expect(buffer.stderr()).toContain("CLI003: stage 'Nope' not found; the stages are Build, Publish");
  });

  it('exits 2 without a pipeline file', async () => {
    const buffer = bufferedIo(repository());
    expect(await runExplainCommand('configuration', { file: 'missing.yml' }, buffer.io)).toBe(2);
    expect(buffer.stderr()).toContain("CLI002: pipeline file 'missing.yml' not found");
  });
});
