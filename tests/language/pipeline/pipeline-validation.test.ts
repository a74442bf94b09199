import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../../src/language/diagnostic.js';
import { loadPipeline } from '../../../src/language/pipeline/load-pipeline.js';
import { fixturePath, normalizeText } from './pipeline-test-helpers.js';

function find(diagnostics: Diagnostic[], code: string, line?: number): Diagnostic {
  const match = diagnostics.find((d) => d.code === code && (line === undefined || d.location?.line === line));
  if (!match) throw new Error(`no ${code}${line ? ` at line ${line}` : ''} in ${JSON.stringify(diagnostics.map((d) => `${d.code}@${d.location?.line}`))}`);
  return match;
}

describe('validation of many-errors.yml', async () => {
  const { diagnostics, definition } = await loadPipeline(fixturePath('many-errors.yml'), { displayPath: 'many-errors.yml' });

  it('still returns a definition', () => {
    expect(definition?.stages).toHaveLength(2);
  });

  it('reports an invalid stage name', () => {
    const error = find(diagnostics, 'PIPE005', 2);
    expect(error.location).toMatchObject({ file: 'many-errors.yml', line: 2, column: 10 });
    expect(error.message).toContain('"Build-It"');
  });

  it('reports matrix with parallel', () => {
    expect(find(diagnostics, 'PIPE004', 9).location?.column).toBe(7);
  });

  it('reports an unknown key with a suggestion', () => {
    const error = find(diagnostics, 'PIPE001', 13);
    expect(error.message).toContain('"continueOnErorr"');
    expect(error.hint).toContain('"continueOnError"');
    expect(error.location?.column).toBe(7);
  });

  it('reports duplicate step names', () => {
    expect(find(diagnostics, 'PIPE009').location?.line).toBe(14);
  });

  it('reports an invalid boolean', () => {
    const error = find(diagnostics, 'PIPE002', 16);
    expect(error.message).toContain('"perhaps"');
    expect(error.location?.column).toBe(16);
  });

  it('reports duplicate job names in a stage', () => {
    expect(find(diagnostics, 'PIPE008').location?.line).toBe(17);
  });

  it('reports a task without a version', () => {
    expect(find(diagnostics, 'PIPE017', 19).message).toContain('"Bash"');
  });

  it('reports an unsupported step type by name', () => {
    const error = find(diagnostics, 'PIPE015', 20);
    expect(error.message).toBe('the "downloadBuild" step is not supported yet');
  });

  it('reports the reserved deployment name', () => {
    expect(find(diagnostics, 'PIPE006', 21).location?.column).toBe(17);
  });

  it('reports steps in a deployment job', () => {
    expect(find(diagnostics, 'PIPE004', 23).message).toContain('"steps"');
  });

  it('reports duplicate stage names', () => {
    expect(find(diagnostics, 'PIPE007').location?.line).toBe(25);
  });

  it('reports a reserved variable prefix', () => {
    expect(find(diagnostics, 'PIPE012', 27).message).toContain('"secret"');
  });

  it('reports variables mixing list and mapping forms', () => {
    expect(find(diagnostics, 'PIPE011', 29).message).toContain('"flat"');
  });

  it('gives every error a hint and a location', () => {
    for (const diagnostic of diagnostics) {
      expect(diagnostic.location, diagnostic.message).toBeDefined();
      expect(diagnostic.hint, diagnostic.message).toBeTruthy();
    }
  });
});

describe('validation of inline pipelines', () => {
  it('warns about a matrix leg name that breaks the documented rule', () => {
    const { diagnostics } = normalizeText('jobs:\n- job: A\n  strategy:\n    matrix:\n      3.10:\n        v: a\n  steps:\n  - script: x\n');
    const warning = find(diagnostics, 'PIPE010', 5);
    expect(warning.severity).toBe('warning');
  });

  it('rejects a matrix leg name over 100 characters', () => {
    const long = 'a'.repeat(101);
    const { diagnostics } = normalizeText(`jobs:\n- job: A\n  strategy:\n    matrix:\n      ${long}:\n        v: a\n  steps:\n  - script: x\n`);
    expect(find(diagnostics, 'PIPE010', 5).severity).toBe('error');
  });

  it('reports a missing stage key', () => {
    const { diagnostics } = normalizeText('stages:\n- displayName: x\n  jobs: []\n');
    expect(find(diagnostics, 'PIPE003', 2).message).toContain('"stage"');
  });

  it('reports a wrong type', () => {
    const { diagnostics } = normalizeText('steps:\n- script: x\n  env: [a, b]\n');
    const error = find(diagnostics, 'PIPE002', 3);
    expect(error.message).toContain('"env"');
    expect(error.location?.column).toBe(8);
  });

  it('reports a step with two types', () => {
    const { diagnostics } = normalizeText('steps:\n- script: x\n  bash: y\n');
    expect(find(diagnostics, 'PIPE004', 3).message).toContain('"bash"');
  });

  it('reports a retry count above 10', () => {
    const { diagnostics } = normalizeText('steps:\n- script: x\n  retryCountOnTaskFailure: 11\n');
    expect(find(diagnostics, 'PIPE016', 3).message).toContain('10');
  });

  it('reports stages and jobs together', () => {
    const { diagnostics } = normalizeText('stages: []\njobs: []\n');
    expect(find(diagnostics, 'PIPE004', 2).message).toContain('"jobs"');
  });

  it('reports a pipeline without stages, jobs or steps', () => {
    const { diagnostics } = normalizeText('trigger: none\n');
    expect(find(diagnostics, 'PIPE022').location?.line).toBe(1);
  });

  it('reports an invalid job name', () => {
    const { diagnostics } = normalizeText('jobs:\n- job: build.linux\n  steps: []\n');
    expect(find(diagnostics, 'PIPE005', 2).message).toContain('"build.linux"');
  });
});

describe('condition syntax', () => {
  it('reports an unclosed call at its column', () => {
    const { diagnostics } = normalizeText("steps:\n- script: x\n  condition: and(succeeded(), eq(variables['a'], 'b')\n");
    const error = diagnostics.find((d) => d.location?.line === 3);
    expect(error?.code).toMatch(/^EXPR/);
    expect(error?.location?.column).toBeGreaterThan(14);
  });

  it('accepts a valid condition on a stage', () => {
    const { diagnostics } = normalizeText("stages:\n- stage: A\n  condition: \"and(succeeded(), ne(variables['Build.Reason'], 'PullRequest'))\"\n  jobs: []\n");
    expect(diagnostics).toEqual([]);
  });
});
