import { describe, expect, it } from 'vitest';
import { validatePipeline } from '../../../src/language/validation/validate-pipeline.js';
import { normalizeText } from './pipeline-test-helpers.js';

/*
 * A job's continueOnError is a YAML boolean or a `$[ ]` runtime expression,
 * because Azure's schema types it as a string (jobContinueOnError in the service schema
 * of microsoft/azure-pipelines-vscode), while a step's is a boolean.
 */

describe('job continueOnError', () => {
  it('keeps a runtime expression for the run', () => {
    const { definition, diagnostics } = normalizeText(
      "jobs:\n- job: A\n  continueOnError: $[eq(variables.rust, 'beta')]\n  steps:\n  - script: x\n",
    );

    expect(diagnostics).toEqual([]);
    const job = definition!.stages[0]!.jobs[0]!;
    expect(job.continueOnError).toBe(false);
    expect(job.continueOnErrorExpression).toEqual({
      value: "$[eq(variables.rust, 'beta')]",
      location: expect.objectContaining({ file: 'inline.yml', line: 3, column: 20 }),
    });
  });

  it('accepts a runtime expression at the root of a steps pipeline', () => {
    const { definition, diagnostics } = normalizeText('continueOnError: $[ variables.allow ]\nsteps:\n- script: x\n');

    expect(diagnostics).toEqual([]);
    expect(definition!.stages[0]!.jobs[0]!.continueOnErrorExpression?.value).toBe('$[ variables.allow ]');
  });

  it('reads a boolean word without an expression', () => {
    const { definition, diagnostics } = normalizeText('jobs:\n- job: A\n  continueOnError: yes\n  steps:\n  - script: x\n');

    expect(diagnostics).toEqual([]);
    expect(definition!.stages[0]!.jobs[0]!.continueOnError).toBe(true);
    expect(definition!.stages[0]!.jobs[0]!.continueOnErrorExpression).toBeUndefined();
  });

  it('rejects other text', () => {
    const { diagnostics } = normalizeText('jobs:\n- job: A\n  continueOnError: $(allow)\n  steps:\n  - script: x\n');

    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['PIPE002']);
    expect(diagnostics[0]!.message).toContain('"$(allow)"');
  });

  it('keeps a step continueOnError boolean only', () => {
    const { diagnostics } = normalizeText('steps:\n- script: x\n  continueOnError: $[ true ]\n');

    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['PIPE002']);
  });

  it('reports a syntax error of the expression once', () => {
    const { definition, diagnostics } = normalizeText('jobs:\n- job: A\n  continueOnError: $[eq(1, ]\n  steps:\n  - script: x\n');
    expect(diagnostics).toEqual([]);

    const errors = validatePipeline(definition!).filter((diagnostic) => diagnostic.severity === 'error');

    expect(errors.map((diagnostic) => diagnostic.code)).toEqual(['EXPR005']);
    expect(errors[0]!.location).toMatchObject({ line: 3 });
  });
});
