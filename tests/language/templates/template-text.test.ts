import { describe, expect, it } from 'vitest';
import { parseDirective, splitTemplateText, wholeExpression } from '../../../src/language/templates/template-text.js';

describe('splitTemplateText', () => {
  it('splits text and expressions', () => {
    const split = splitTemplateText('a ${{ x }} b ${{y}}');

    expect(split.unclosedAt).toBeUndefined();
    expect(split.segments).toEqual([
      { kind: 'text', text: 'a ' },
      { kind: 'expression', text: ' x ', offset: 5 },
      { kind: 'text', text: ' b ' },
      { kind: 'expression', text: 'y', offset: 16 },
    ]);
  });

  it('skips braces inside string literals', () => {
    const split = splitTemplateText("${{ 'my${{value }}' }}!");

    expect(split.segments).toEqual([
      { kind: 'expression', text: " 'my${{value }}' ", offset: 3 },
      { kind: 'text', text: '!' },
    ]);
  });

  it('keeps doubled quotes inside a literal', () => {
    const split = splitTemplateText("${{ 'it''s }}' }}");

    expect(split.segments).toEqual([{ kind: 'expression', text: " 'it''s }}' ", offset: 3 }]);
  });

  it('reports an unclosed expression', () => {
    const split = splitTemplateText('echo ${{ parameters.x');

    expect(split.unclosedAt).toBe(5);
  });

  it('leaves macros and runtime expressions alone', () => {
    const split = splitTemplateText('$(a) $[ b ] ${ c }');

    expect(split.segments).toEqual([{ kind: 'text', text: '$(a) $[ b ] ${ c }' }]);
  });
});

describe('wholeExpression', () => {
  it('accepts one expression with outer white space', () => {
    expect(wholeExpression(splitTemplateText('  ${{ parameters.x }} '))).toEqual({ text: ' parameters.x ', offset: 5 });
  });

  it('rejects an expression with text around it', () => {
    expect(wholeExpression(splitTemplateText('v${{ parameters.x }}'))).toBeUndefined();
  });

  it('rejects two expressions', () => {
    expect(wholeExpression(splitTemplateText('${{ a }}${{ b }}'))).toBeUndefined();
  });
});

describe('parseDirective', () => {
  const cases: [string, ReturnType<typeof parseDirective>][] = [
    ["${{ if eq(a, 'b') }}", { kind: 'if', condition: " eq(a, 'b') ", offset: 6 }],
    ['${{ elseif x }}', { kind: 'elseif', condition: ' x ', offset: 10 }],
    ['${{ else }}', { kind: 'else' }],
    ['${{else}}', { kind: 'else' }],
    ['${{ insert }}', { kind: 'insert' }],
    ['${{ each item in parameters.list }}', { kind: 'each', variable: 'item', collection: 'parameters.list', offset: 17 }],
    ['${{ parameters.name }}', undefined],
    ['${{ iif(a, b, c) }}', undefined],
    ['${{ ifTrue }}', undefined],
    ['${{ if(x) }}', undefined],
    ['plain', undefined],
  ];

  for (const [key, expected] of cases) {
    it(`parses ${key}`, () => {
      expect(parseDirective(key)).toEqual(expected);
    });
  }

  it('rejects a malformed each', () => {
    expect(parseDirective('${{ each in list }}')?.kind).toBe('invalid');
  });

  it('rejects text after else', () => {
    expect(parseDirective('${{ else true }}')?.kind).toBe('invalid');
  });

  it('rejects if without condition', () => {
    expect(parseDirective('${{ if }}')?.kind).toBe('invalid');
  });
});
