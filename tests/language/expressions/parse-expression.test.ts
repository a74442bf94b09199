import { describe, expect, it } from 'vitest';
import type { SourceLocation } from '../../../src/language/source-location.js';
import type { ExpressionNode } from '../../../src/language/expressions/expression-ast.js';
import { ExpressionVersion } from '../../../src/language/expressions/expression-context.js';
import type { ExpressionDiagnostic } from '../../../src/language/expressions/expression-diagnostic.js';
import {
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_LENGTH,
  parseExpression,
} from '../../../src/language/expressions/parse-expression.js';

const base: SourceLocation = { file: 'azure-pipelines.yml', line: 12, column: 16 };

function parseOk(text: string): ExpressionNode {
  const result = parseExpression(text);
  expect(result.diagnostics).toEqual([]);
  expect(result.ast).toBeDefined();
  return result.ast!;
}

function parseErrors(text: string): ExpressionDiagnostic[] {
  const result = parseExpression(text, { location: base });
  expect(result.ast).toBeUndefined();
  return result.diagnostics as ExpressionDiagnostic[];
}

function literalValue(text: string): unknown {
  const ast = parseOk(text);
  expect(ast.kind).toBe('literal');
  return ast.kind === 'literal' ? ast.value : undefined;
}

describe('parseExpression literals', () => {
  it('booleans in any case', () => {
    expect(literalValue('true')).toBe(true);
    expect(literalValue('True')).toBe(true);
    expect(literalValue('TRUE')).toBe(true);
    expect(literalValue('false')).toBe(false);
    expect(literalValue('FaLsE')).toBe(false);
  });

  it('numbers starting with -, . or a digit', () => {
    expect(literalValue('-1.2')).toBe(-1.2);
    expect(literalValue('.5')).toBe(0.5);
    expect(literalValue('42')).toBe(42);
    expect(literalValue('-.25')).toBe(-0.25);
    expect(literalValue('1.2')).toBe(1.2);
  });

  it('decodes every doubled quote in a string', () => {
    expect(literalValue("'a''b''c'")).toBe("a'b'c");
    expect(literalValue("'It''s OK'")).toBe("It's OK");
    expect(literalValue("''''")).toBe("'");
    expect(literalValue("''")).toBe('');
    expect(literalValue("'my${{value'")).toBe('my${{value');
  });

  it('versions with two or three dots', () => {
    const three = literalValue('1.2.3');
    expect(three).toBeInstanceOf(ExpressionVersion);
    expect((three as ExpressionVersion).parts).toEqual([1, 2, 3]);
    expect((literalValue('1.2.3.4') as ExpressionVersion).parts).toEqual([1, 2, 3, 4]);
  });

  it('null as written in older pipelines', () => {
    expect(literalValue('null')).toBeNull();
  });
});

describe('parseExpression structure', () => {
  it('property and index access keep offsets', () => {
    const ast = parseOk("variables['Build.SourceBranch']");
    expect(ast).toMatchObject({
      kind: 'index',
      offset: 0,
      length: 31,
      target: { kind: 'namedValue', name: 'variables', offset: 0, length: 9 },
      index: { kind: 'literal', value: 'Build.SourceBranch', offset: 10, length: 20 },
    });
  });

  it('nested property access', () => {
    expect(parseOk('dependencies.A.result')).toMatchObject({
      kind: 'property',
      name: 'result',
      target: { kind: 'property', name: 'A', target: { kind: 'namedValue', name: 'dependencies' } },
    });
  });

  it('filtered arrays with .* and [*]', () => {
    expect(parseOk('parameters.items.*.id')).toMatchObject({
      kind: 'property',
      name: 'id',
      target: { kind: 'filter', target: { kind: 'property', name: 'items' } },
    });
    expect(parseOk('parameters.items[*]')).toMatchObject({ kind: 'filter' });
  });

  it('calls with nested arguments and offsets', () => {
    const ast = parseOk("and(succeeded(), eq(variables.a, 'x'))");
    expect(ast).toMatchObject({
      kind: 'call',
      name: 'and',
      offset: 0,
      length: 38,
      args: [
        { kind: 'call', name: 'succeeded', args: [], offset: 4 },
        { kind: 'call', name: 'eq', offset: 17, args: [{ kind: 'property' }, { kind: 'literal', value: 'x' }] },
      ],
    });
  });

  it('indexing a call result', () => {
    expect(parseOk("split('a/b', '/')[1]")).toMatchObject({ kind: 'index', target: { kind: 'call', name: 'split' } });
  });

  it('a keyword after a dot is a property name', () => {
    expect(parseOk('parameters.true')).toMatchObject({ kind: 'property', name: 'true' });
  });

  it('multi-line condition', () => {
    expect(parseOk("and\n(\n  succeeded(),\n  eq(1, 1)\n)")).toMatchObject({ kind: 'call', name: 'and' });
  });
});

describe('parseExpression errors', () => {
  it('infix == with a hint and the column', () => {
    const [error, ...rest] = parseErrors("variables.a == 'b'");
    expect(rest).toEqual([]);
    expect(error!.code).toBe('EXPR003');
    expect(error!.offset).toBe(12);
    expect(error!.location).toMatchObject({ file: 'azure-pipelines.yml', line: 12, column: 28 });
    expect(error!.hint).toContain('eq(a, b)');
  });

  it('reports every operator, not only the first', () => {
    const errors = parseErrors('eq(a == b, c && d)');
    expect(errors.map((error) => error.code)).toEqual(['EXPR003', 'EXPR003']);
    expect(errors.map((error) => error.offset)).toEqual([5, 13]);
    expect(errors[1]!.hint).toContain('and(a, b)');
  });

  it('leading ! suggests not()', () => {
    const [error] = parseErrors('!eq(1, 2)');
    expect(error!.code).toBe('EXPR003');
    expect(error!.hint).toContain('not(a)');
  });

  it('unterminated string', () => {
    const [error] = parseErrors("eq('abc, 1)");
    expect(error!.code).toBe('EXPR002');
    expect(error!.offset).toBe(3);
    expect(error!.location!.column).toBe(19);
  });

  it('missing closing parenthesis', () => {
    const [error] = parseErrors('eq(1, 2');
    expect(error!.code).toBe('EXPR005');
    expect(error!.offset).toBe(7);
  });

  it('text ending after a comma gives one error', () => {
    const errors = parseErrors('eq(1, ');
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('EXPR005');
    expect(errors[0]!.message).toBe('The expression ends where a value is expected.');
  });

  it('text ending inside nested calls gives one error', () => {
    const errors = parseErrors("and(eq(1, 2), ne('a', 'b'");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.code).toBe('EXPR005');
    expect(errors[0]!.message).toBe("The call to 'ne' has no closing ')'.");
  });

  it('unknown function', () => {
    const [error] = parseErrors("startswith2('a', 'b')");
    expect(error!.code).toBe('EXPR006');
    expect(error!.offset).toBe(0);
    expect(error!.length).toBe(11);
  });

  it('wrong argument count names the expected count', () => {
    const [error] = parseErrors('eq(1)');
    expect(error!.code).toBe('EXPR007');
    expect(error!.message).toContain('exactly 2 arguments');
    expect(error!.hint).toContain('eq(left, right)');
  });

  it('empty text', () => {
    const [error] = parseErrors('   ');
    expect(error!.code).toBe('EXPR008');
  });

  it('invalid number', () => {
    const [error] = parseErrors('eq(1, 1.2.3.4.5)');
    expect(error!.code).toBe('EXPR009');
    expect(error!.offset).toBe(6);
  });

  it('unexpected character', () => {
    const [error] = parseErrors('eq(1, #)');
    expect(error!.code).toBe('EXPR001');
    expect(error!.offset).toBe(6);
  });

  it('empty argument', () => {
    const [error] = parseErrors('eq(1,, 2)');
    expect(error!.code).toBe('EXPR004');
    expect(error!.offset).toBe(5);
  });

  it('grouping parentheses', () => {
    const [error] = parseErrors('(true)');
    expect(error!.code).toBe('EXPR004');
  });

  it('trailing text after a complete expression', () => {
    const [error] = parseErrors("eq(1, 1) 'x'");
    expect(error!.code).toBe('EXPR004');
    expect(error!.offset).toBe(9);
  });

  it('collects errors from separate arguments', () => {
    const codes = parseErrors("and(foo(1), eq(1), 'open)").map((error) => error.code);
    expect(codes).toEqual(['EXPR006', 'EXPR007', 'EXPR002', 'EXPR005']);
  });

  it('places errors on the right line of a multi-line expression', () => {
    const [error] = parseErrors('and(\n  eq(1, 1),\n  x == y)');
    expect(error!.code).toBe('EXPR003');
    expect(error!.location).toMatchObject({ line: 14, column: 5 });
  });

  it('nesting deeper than the limit', () => {
    const depth = MAX_EXPRESSION_DEPTH + 5;
    const text = `${'not('.repeat(depth)}true${')'.repeat(depth)}`;
    const codes = parseErrors(text).map((error) => error.code);
    expect(codes).toContain('EXPR016');
  });

  it('text longer than the limit', () => {
    const [error] = parseErrors(`'${'a'.repeat(MAX_EXPRESSION_LENGTH)}'`);
    expect(error!.code).toBe('EXPR016');
  });

  it('without a location, errors carry only the offset', () => {
    const result = parseExpression('eq(1 && 2)');
    expect(result.diagnostics).toHaveLength(1);
    const [error] = result.diagnostics as ExpressionDiagnostic[];
    expect(error!.location).toBeUndefined();
    expect(error!.offset).toBe(5);
  });
});
