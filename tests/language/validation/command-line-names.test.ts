import { describe, expect, it } from 'vitest';
import { validatePipeline } from '../../../src/language/validation/validate-pipeline.js';
import { normalizeText } from '../pipeline/pipeline-test-helpers.js';

function validate(lines: string[], options?: Parameters<typeof validatePipeline>[1]) {
  const normalized = normalizeText(lines.join('\n') + '\n');
  expect(normalized.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  return validatePipeline(normalized.definition!, options);
}

describe('runtime expression syntax', () => {
  it('reports a missing parenthesis as an error', () => {
    const found = validate(['variables:', "  rt: $[ eq(variables['Build.Reason'], 'Manual' ]", 'steps:', '- script: echo $(rt)']);
    const errors = found.filter((diagnostic) => diagnostic.severity === 'error');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors[0]!.code).toMatch(/^EXPR/);
    expect(errors[0]!.location?.line).toBe(2);
    expect(errors[0]!.message).toContain("eq(variables['Build.Reason'], 'Manual' ]");
  });

  it('accepts a valid runtime expression', () => {
    const found = validate(['variables:', "  rt: $[ eq(variables['Build.Reason'], 'Manual') ]", 'steps:', '- script: echo $(rt)']);
    expect(found.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  });

  it('checks job variables and containers', () => {
    const found = validate(['jobs:', '- job: A', '  container: $[ eq(1 ]', '  variables:', '    x: $[ not( ]', '  steps:', '  - script: echo']);
    const lines = found.filter((diagnostic) => diagnostic.severity === 'error').map((diagnostic) => diagnostic.location?.line);
    expect(lines).toContain(3);
    expect(lines).toContain(5);
  });
});

describe('names given on the command line', () => {
  const pipeline = ['steps:', '- script: echo $(mySecret) $(plainValue)'];

  it('skips VAL006 for known variables', () => {
    const found = validate(pipeline, { knownVariables: ['MYSECRET', 'plainValue'] });
    expect(found.filter((diagnostic) => diagnostic.code === 'VAL006')).toEqual([]);
  });

  it('suggests --secret for a secret-like name', () => {
    const found = validate(pipeline).filter((diagnostic) => diagnostic.code === 'VAL006');
    const secret = found.find((diagnostic) => diagnostic.message.includes('$(mySecret)'));
    const plain = found.find((diagnostic) => diagnostic.message.includes('$(plainValue)'));
    expect(secret?.hint).toContain('--secret mySecret=VALUE');
    expect(plain?.hint).toContain('--variable plainValue=VALUE');
  });

  it('suggests --secret for a name mapped through env', () => {
    const found = validate(['steps:', '- script: echo "$VALUE"', '  env:', '    VALUE: $(deployLogin)']).filter((diagnostic) => diagnostic.code === 'VAL006');
    expect(found).toHaveLength(1);
    expect(found[0]!.hint).toContain('--secret deployLogin');
  });

  it('checks macros of a job whose group is known', () => {
    const lines = ['variables:', '- group: shared', 'steps:', '- script: echo $(fromGroup) $(Missing.Value)'];
    const known = validate(lines, { knownVariableGroups: ['Shared'], knownVariables: ['fromGroup'] });
    expect(known.filter((diagnostic) => diagnostic.code === 'VAL001')).toEqual([]);
    const undefinedNames = known.filter((diagnostic) => diagnostic.code === 'VAL006').map((diagnostic) => diagnostic.message);
    expect(undefinedNames).toHaveLength(1);
    expect(undefinedNames[0]).toContain('$(Missing.Value)');
  });
});
