import { describe, expect, it } from 'vitest';
import type { ExpressionContext } from '../../../src/language/expressions/expression-context.js';
import { ExpressionError } from '../../../src/language/expressions/evaluate-expression.js';
import {
  evaluateRuntimeExpression,
  matchRuntimeExpression,
} from '../../../src/language/expressions/runtime-expression.js';

const context: ExpressionContext = {
  mode: 'runtime',
  namedValues: {
    variables: { 'Build.SourceBranch': 'refs/heads/main', count: '3' },
    dependencies: { gen: { result: 'Succeeded', outputs: { 'step.legs': "{'a':{'myvar':'A'}}" } } },
  },
};

describe('matchRuntimeExpression', () => {
  it('returns the inside of a whole $[ ] value', () => {
    expect(matchRuntimeExpression("$[eq(variables['Build.SourceBranch'], 'refs/heads/main')]")).toBe(
      "eq(variables['Build.SourceBranch'], 'refs/heads/main')",
    );
    expect(matchRuntimeExpression('  $[ variables.a ]  ')).toBe(' variables.a ');
  });

  it('rejects a value that only starts with an expression', () => {
    expect(matchRuntimeExpression('$[variables.a] foo')).toBeUndefined();
    expect(matchRuntimeExpression('foo $[variables.a]')).toBeUndefined();
    expect(matchRuntimeExpression('$[ variables.a ] $[ variables.b ]')).toBeUndefined();
    expect(matchRuntimeExpression('$(a)')).toBeUndefined();
    expect(matchRuntimeExpression('${{ a }}')).toBeUndefined();
  });

  it('matches brackets and quotes inside the expression', () => {
    expect(matchRuntimeExpression("$[ variables['a]'] ]")).toBe(" variables['a]'] ");
    expect(matchRuntimeExpression("$[ split('a', ',')[0] ]")).toBe(" split('a', ',')[0] ");
    expect(matchRuntimeExpression("$[ 'It''s ]' ]")).toBe(" 'It''s ]' ");
    expect(matchRuntimeExpression("$[ 'open ]")).toBeUndefined();
  });
});

describe('evaluateRuntimeExpression', () => {
  it('booleans print as True and False', () => {
    expect(evaluateRuntimeExpression("eq(variables['Build.SourceBranch'], 'refs/heads/main')", context)).toBe('True');
    expect(evaluateRuntimeExpression('eq(1, 2)', context)).toBe('False');
  });

  it('a missing value is an empty string', () => {
    expect(evaluateRuntimeExpression('variables.missing', context)).toBe('');
  });

  it('numbers, strings and versions', () => {
    expect(evaluateRuntimeExpression('variables.count', context)).toBe('3');
    expect(evaluateRuntimeExpression('-1.5', context)).toBe('-1.5');
    expect(evaluateRuntimeExpression('1.2.3', context)).toBe('1.2.3');
  });

  it('output variables from a dependency', () => {
    expect(evaluateRuntimeExpression("dependencies.gen.outputs['step.legs']", context)).toBe("{'a':{'myvar':'A'}}");
  });

  it('arrays and objects as compact JSON', () => {
    expect(evaluateRuntimeExpression("split('a,b', ',')", context)).toBe('["a","b"]');
    expect(evaluateRuntimeExpression('dependencies.gen', context)).toBe(
      '{"result":"Succeeded","outputs":{"step.legs":"{\'a\':{\'myvar\':\'A\'}}"}}',
    );
  });

  it('parameters are not available', () => {
    expect(() => evaluateRuntimeExpression('parameters.x', context)).toThrow(ExpressionError);
  });

  it('errors carry the location of the inner text', () => {
    let thrown: unknown;
    try {
      evaluateRuntimeExpression(' variables.a == 1', context, { file: 'a.yml', line: 4, column: 12 });
    } catch (error) {
      thrown = error;
    }
    expect((thrown as ExpressionError).diagnostic).toMatchObject({ code: 'EXPR003', location: { line: 4, column: 25 } });
  });
});
