import { describe, expect, it } from 'vitest';
import type { SourceLocation } from '../../../src/language/source-location.js';
import {
  ExpressionDateTime,
  type ExpressionContext,
  type ExpressionValue,
} from '../../../src/language/expressions/expression-context.js';
import type { ExpressionDiagnostic } from '../../../src/language/expressions/expression-diagnostic.js';
import {
  evaluateCondition,
  evaluateExpression,
  ExpressionError,
} from '../../../src/language/expressions/evaluate-expression.js';
import { parseExpression } from '../../../src/language/expressions/parse-expression.js';

const location: SourceLocation = { file: 'pipelines/build.yml', line: 30, column: 18 };

function context(overrides: Partial<ExpressionContext> = {}): ExpressionContext {
  return { mode: 'runtime', namedValues: {}, ...overrides };
}

function evaluate(text: string, evaluationContext: ExpressionContext): ExpressionValue {
  const parsed = parseExpression(text);
  expect(parsed.diagnostics).toEqual([]);
  return evaluateExpression(parsed.ast!, evaluationContext);
}

function evaluationError(text: string, evaluationContext: ExpressionContext): ExpressionDiagnostic {
  try {
    evaluate(text, evaluationContext);
  } catch (error) {
    expect(error).toBeInstanceOf(ExpressionError);
    return (error as ExpressionError).diagnostic;
  }
  throw new Error(`expected '${text}' to fail`);
}

const items = [
  { id: 1, name: 'a' },
  { id: 2, name: 'b' },
  { id: 3, name: 'c' },
];

describe('evaluateExpression lookups', () => {
  it('property and index syntax ignore case', () => {
    const values = context({ namedValues: { variables: { SOMEvariable: 'x', 'Build.Reason': 'Manual' } } });
    expect(evaluate('variables.someVARIABLE', values)).toBe('x');
    expect(evaluate("variables['build.reason']", values)).toBe('Manual');
    expect(evaluate("VARIABLES['Build.Reason']", values)).toBe('Manual');
  });

  it('a miss gives null', () => {
    const values = context({ namedValues: { variables: {} } });
    expect(evaluate("variables['noSuch']", values)).toBeNull();
    expect(evaluate('variables.a.b.c', values)).toBeNull();
  });

  it('a standard named value missing from the context is null', () => {
    expect(evaluate('dependencies.A.result', context())).toBeNull();
  });

  it('dependency outputs', () => {
    const values = context({
      namedValues: { dependencies: { A: { result: 'Succeeded', outputs: { 'setvar.myOutput': 'yes' } } } },
    });
    expect(evaluate("dependencies.A.outputs['setvar.myOutput']", values)).toBe('yes');
    expect(evaluate("dependencies.a.OUTPUTS['SETVAR.MYOUTPUT']", values)).toBe('yes');
  });

  it('stage dependencies', () => {
    const values = context({
      namedValues: { stageDependencies: { Build: { Job1: { outputs: { 'step.v': '42' } } } } },
    });
    expect(evaluate("stageDependencies.Build.Job1.outputs['step.v']", values)).toBe('42');
  });

  it('array index, with out-of-range and fractional indexes as null', () => {
    const values = context({ mode: 'template', namedValues: { parameters: { list: ['a', 'b'] } } });
    expect(evaluate('parameters.list[1]', values)).toBe('b');
    expect(evaluate("parameters.list['0']", values)).toBe('a');
    expect(evaluate('parameters.list[2]', values)).toBeNull();
    expect(evaluate('parameters.list[0.5]', values)).toBeNull();
    expect(evaluate('parameters.list[-1]', values)).toBeNull();
  });

  it('filtered array over objects', () => {
    const values = context({ mode: 'template', namedValues: { parameters: { items } } });
    expect(evaluate('parameters.items.*.id', values)).toEqual([1, 2, 3]);
    expect(evaluate('parameters.items[*].name', values)).toEqual(['a', 'b', 'c']);
    expect(evaluate('containsValue(parameters.items.*.name, \'B\')', values)).toBe(true);
    expect(evaluate('join(\',\', parameters.items.*.id)', values)).toBe('1,2,3');
  });

  it('filtered array skips items without the property', () => {
    const values = context({ mode: 'template', namedValues: { parameters: { mixed: [{ id: 1 }, { other: 2 }, 'text'] } } });
    expect(evaluate('parameters.mixed.*.id', values)).toEqual([1]);
  });

  it('filter on an object yields its values', () => {
    const values = context({ mode: 'template', namedValues: { parameters: { map: { x: { v: 1 }, y: { v: 2 } } } } });
    expect(evaluate('parameters.map.*.v', values)).toEqual([1, 2]);
  });

  it('loop variables given as named values', () => {
    const values = context({ mode: 'template', namedValues: { pair: { key: 'k', value: 'v' } } });
    expect(evaluate("format('{0}={1}', pair.key, pair.value)", values)).toBe('k=v');
  });

  it('pipeline.startTime is a date-time', () => {
    const now = new Date('2024-05-01T10:30:00Z');
    const value = evaluate('pipeline.startTime', context({ now }));
    expect(value).toBeInstanceOf(ExpressionDateTime);
    expect((value as ExpressionDateTime).date.toISOString()).toBe('2024-05-01T10:30:00.000Z');
  });
});

describe('evaluateExpression errors', () => {
  it('unknown named value with its file location', () => {
    const error = evaluationError("eq(foo, 'x')", context({ location }));
    expect(error.code).toBe('EXPR010');
    expect(error.offset).toBe(3);
    expect(error.location).toMatchObject({ file: 'pipelines/build.yml', line: 30, column: 21 });
  });

  it('parameters in a runtime expression', () => {
    const error = evaluationError('parameters.x', context({ namedValues: { parameters: { x: 1 } } }));
    expect(error.code).toBe('EXPR012');
    expect(error.hint).toContain('${{ parameters.name }}');
  });

  it('dependencies in a template expression', () => {
    expect(evaluationError('dependencies.A.result', context({ mode: 'template' })).code).toBe('EXPR012');
  });

  it('a misplaced status function is found even behind a short circuit', () => {
    const error = evaluationError('or(true, succeeded())', context({ mode: 'runtime' }));
    expect(error.code).toBe('EXPR011');
    expect(error.offset).toBe(9);
  });

  it('status function without a status context', () => {
    expect(evaluationError('succeeded()', context({ mode: 'condition' })).code).toBe('EXPR015');
  });

  it('counter without a store', () => {
    expect(evaluationError("counter('a', 1)", context()).code).toBe('EXPR015');
  });

  it('comparison errors point at the argument and leave values out of the message', () => {
    const values = context({ location, namedValues: { variables: { token: 'hunter2-secret' } } });
    const error = evaluationError('gt(5, variables.token)', values);
    expect(error.code).toBe('EXPR013');
    expect(error.offset).toBe(6);
    expect(error.location!.column).toBe(24);
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('Number');
  });
});

describe('evaluateCondition', () => {
  const stepStatus = (jobStatus?: 'Succeeded' | 'Failed' | 'Canceled') =>
    context({ status: { canceled: jobStatus === 'Canceled', jobStatus } });

  it('empty text means succeeded()', () => {
    expect(evaluateCondition('', stepStatus('Succeeded'))).toBe(true);
    expect(evaluateCondition('  \n ', stepStatus('Failed'))).toBe(false);
    expect(evaluateCondition('', stepStatus())).toBe(true);
  });

  it('uses condition mode whatever the context says', () => {
    expect(evaluateCondition('failed()', stepStatus('Failed'))).toBe(true);
  });

  it('casts a non-boolean result as Azure does', () => {
    const values = context({ namedValues: { variables: { flag: 'false', empty: '' } }, status: { canceled: false } });
    expect(evaluateCondition('variables.flag', values)).toBe(true);
    expect(evaluateCondition('variables.empty', values)).toBe(false);
    expect(evaluateCondition('variables.missing', values)).toBe(false);
    expect(evaluateCondition('0', values)).toBe(false);
  });

  it('custom condition without a status function runs after a failure', () => {
    const values = context({ namedValues: { variables: { 'Build.Reason': 'Schedule' } }, status: { canceled: false, jobStatus: 'Failed' } });
    expect(evaluateCondition("eq(variables['Build.Reason'], 'Schedule')", values)).toBe(true);
  });

  it('syntax errors throw with every diagnostic and the location', () => {
    let thrown: unknown;
    try {
      evaluateCondition('eq(a == b, c && d)', stepStatus(), location);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ExpressionError);
    const error = thrown as ExpressionError;
    expect(error.diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['EXPR003', 'EXPR003']);
    expect(error.diagnostic.location).toMatchObject({ line: 30, column: 23 });
  });

  it('evaluation errors on a later line of a multi-line condition', () => {
    let thrown: unknown;
    try {
      evaluateCondition('and(\n  succeeded(),\n  gt(1, \'x\'))', stepStatus(), location);
    } catch (error) {
      thrown = error;
    }
    expect((thrown as ExpressionError).diagnostic).toMatchObject({ code: 'EXPR013', location: { line: 32, column: 9 } });
  });
});

describe('error messages and secrets', () => {
  const secretContext = context({
    namedValues: { variables: { secret: 'p4ss{x}word', job: 'hunter2' } },
    status: { canceled: false, dependencies: { Build: 'Succeeded' } },
  });

  it('a format string from a variable is not quoted', () => {
    const error = evaluationError('format(variables.secret)', secretContext);
    expect(error.code).toBe('EXPR014');
    expect(error.message).not.toContain('p4ss');
    expect(error.message).toContain('(from a variable)');
  });

  it('a literal format string is quoted', () => {
    const error = evaluationError("format('{x}')", secretContext);
    expect(error.message).toContain("'{x}'");
  });

  it('a dependency name from a variable is not quoted', () => {
    const error = evaluationError('succeeded(variables.job)', { ...secretContext, mode: 'condition' });
    expect(error.code).toBe('EXPR014');
    expect(error.message).not.toContain('hunter2');
    expect(error.hint).toContain('Build');
  });

  it('a literal dependency name is quoted', () => {
    const error = evaluationError("succeeded('Deploy')", { ...secretContext, mode: 'condition' });
    expect(error.message).toContain("'Deploy'");
  });
});
