import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runEvalCommand } from '../../../src/cli/commands/eval-command.js';

let directory: string;
let contextFile: string;

beforeAll(async () => {
  directory = await mkdtemp(join(tmpdir(), 'sluice-eval-'));
  contextFile = join(directory, 'context.json');
  await writeFile(
    contextFile,
    JSON.stringify({
      variables: { 'Build.SourceBranch': 'refs/heads/main', inner: 'deep', outer: '$(inner)' },
      parameters: { environments: ['dev', 'prod'] },
      dependencies: { Build: { result: 'Succeeded', outputs: { 'step.version': '1.4.0' } } },
      pipeline: { startTime: '2024-03-07T09:05:04Z' },
    }),
  );
});

afterAll(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function run(expression: string, options: Parameters<typeof runEvalCommand>[1]) {
  let stdout = '';
  let stderr = '';
  const code = await runEvalCommand(expression, options, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
  });
  return { code, stdout, stderr };
}

describe('runEvalCommand', () => {
  it('runtime is the default mode', async () => {
    const result = await run("dependencies.Build.outputs['step.version']", { context: contextFile });
    expect(result).toEqual({ code: 0, stdout: '"1.4.0"\n', stderr: '' });
  });

  it('runtime accepts the $[ ] wrapper', async () => {
    const result = await run("$[ eq(variables['Build.SourceBranch'], 'refs/heads/main') ]", { context: contextFile, as: 'runtime' });
    expect(result.stdout).toBe('true\n');
    expect(result.code).toBe(0);
  });

  it('template makes parameters available', async () => {
    const result = await run('${{ parameters.environments }}', { context: contextFile, as: 'template' });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual(['dev', 'prod']);
  });

  it('template formats pipeline.startTime', async () => {
    const result = await run("format('{0:yyyyMMdd}', pipeline.startTime)", { context: contextFile, as: 'template' });
    expect(result.stdout).toBe('"20240307"\n');
  });

  it('condition prints a boolean', async () => {
    const result = await run("and(succeeded('Build'), startsWith(variables['Build.SourceBranch'], 'refs/heads/'))", {
      context: contextFile,
      as: 'condition',
    });
    expect(result).toEqual({ code: 0, stdout: 'true\n', stderr: '' });
  });

  it('condition without a context uses an unset job status', async () => {
    const result = await run('', { as: 'condition' });
    expect(result.stdout).toBe('true\n');
  });

  it('condition with a failed job status', async () => {
    const file = join(directory, 'failed.json');
    await writeFile(file, JSON.stringify({ jobStatus: 'Failed' }));
    expect((await run('succeeded()', { context: file, as: 'condition' })).stdout).toBe('false\n');
    expect((await run('failed()', { context: file, as: 'condition' })).stdout).toBe('true\n');
  });

  it('macro expands variables recursively and leaves unknown ones', async () => {
    const result = await run('echo $(OUTER) $(unknown)', { context: contextFile, as: 'macro' });
    expect(result).toEqual({ code: 0, stdout: '"echo deep $(unknown)"\n', stderr: '' });
  });

  it('a syntax error prints the code, the expression and a caret', async () => {
    const result = await run("eq(variables.a, 'x') && true", { as: 'runtime' });
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    const lines = result.stderr.split('\n');
    expect(lines[0]).toMatch(/^error EXPR003: The operator '&&' is not supported/);
    expect(lines).toContain("  eq(variables.a, 'x') && true");
    expect(lines).toContain(`  ${' '.repeat(21)}^~`);
  });

  it('an evaluation error prints a caret under the argument', async () => {
    const result = await run("gt(1, 'abc')", {});
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('EXPR013: ');
    expect(result.stderr).toContain(`  gt(1, 'abc')\n  ${' '.repeat(6)}^~~~~\n`);
  });

  it('parameters are rejected in runtime mode', async () => {
    const result = await run('parameters.environments', { context: contextFile });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error EXPR012: /);
  });

  it('a missing context file is a clear error', async () => {
    const result = await run('true', { context: join(directory, 'missing.json') });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error EXPR017: cannot read the context file '.*missing\.json': the file does not exist\n$/);
  });

  it('invalid JSON in the context file is a clear error', async () => {
    const file = join(directory, 'broken.json');
    await writeFile(file, '{ "variables": ');
    const result = await run('true', { context: file });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error EXPR017: the context file '.*broken\.json' is not valid JSON/);
  });

  it('a context file with the wrong shape lists each problem', async () => {
    const file = join(directory, 'shape.json');
    await writeFile(file, JSON.stringify({ variabels: {}, jobStatus: 'Great', canceled: 'yes' }));
    const result = await run('true', { context: file, as: 'condition' });
    expect(result.code).toBe(2);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain("Unknown key 'variabels'");
    expect(result.stderr).toContain("'canceled' must be true or false");
    expect(result.stderr).toContain("'jobStatus' must be one of");
  });

  it('an unknown --as value is rejected', async () => {
    const result = await run('true', { as: 'yaml' as never });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error EXPR018: invalid --as value 'yaml'/);
  });
});
