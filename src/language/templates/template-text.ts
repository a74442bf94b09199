import type { SourceLocation } from '../source-location.js';
import type { YamlScalar } from '../yaml/yaml-node.js';

/** One piece of a scalar's text: literal text, or the inside of a `${{ }}`. */
export type TemplateTextSegment =
  | { kind: 'text'; text: string }
  | { kind: 'expression'; text: string; offset: number };

/** The result of splitting a scalar; `unclosedAt` is the offset of a `${{` with no `}}`. */
export interface TemplateTextSplit {
  segments: TemplateTextSegment[];
  unclosedAt?: number;
}

const OPEN = '${{';
const CLOSE = '}}';

/**
 * Splits text into literal parts and `${{ }}` expressions. A `}}` inside a
 * single-quoted string literal does not close the expression, and a `${{`
 * inside one is literal text of that string, which is how Azure escapes it:
 * `${{ 'my${{value' }}` (learn.microsoft.com …/process/template-expressions,
 * "Escape a value"). `offset` is where the expression's inner text starts.
 */
export function splitTemplateText(text: string): TemplateTextSplit {
  const segments: TemplateTextSegment[] = [];
  let position = 0;

  while (position < text.length) {
    const open = text.indexOf(OPEN, position);
    if (open < 0) break;

    const innerStart = open + OPEN.length;
    const close = findClose(text, innerStart);
    if (close < 0) {
      if (open > position) segments.push({ kind: 'text', text: text.slice(position, open) });
      segments.push({ kind: 'text', text: text.slice(open) });
      return { segments, unclosedAt: open };
    }

    if (open > position) segments.push({ kind: 'text', text: text.slice(position, open) });
    segments.push({ kind: 'expression', text: text.slice(innerStart, close), offset: innerStart });
    position = close + CLOSE.length;
  }

  if (position < text.length) segments.push({ kind: 'text', text: text.slice(position) });
  return { segments };
}

/** Returns the offset of the `}}` that closes an expression starting at `from`, or -1. */
function findClose(text: string, from: number): number {
  let inString = false;
  for (let index = from; index < text.length; index += 1) {
    const character = text[index];
    if (character === "'") {
      // A doubled quote inside a string literal is an escaped quote; toggling twice keeps the state.
      inString = !inString;
      continue;
    }
    if (!inString && character === '}' && text[index + 1] === '}') return index;
  }
  return -1;
}

/** Reports whether text contains the start of a template expression. */
export function hasTemplateExpression(text: string): boolean {
  return text.includes(OPEN);
}

/**
 * Returns the inner text when the whole scalar (ignoring surrounding white space)
 * is exactly one `${{ }}` expression, whose value then keeps its type.
 */
export function wholeExpression(split: TemplateTextSplit): { text: string; offset: number } | undefined {
  if (split.unclosedAt !== undefined) return undefined;
  const meaningful = split.segments.filter((segment) => segment.kind === 'expression' || segment.text.trim() !== '');
  if (meaningful.length !== 1) return undefined;
  const only = meaningful[0];
  return only.kind === 'expression' ? { text: only.text, offset: only.offset } : undefined;
}

/**
 * Returns the file location of character `offset` of a scalar's decoded text.
 * NOTE: exact for plain and quoted scalars on one line without escapes; for
 * block scalars and multi-line values it returns the start of the scalar.
 */
export function locateInScalar(scalar: YamlScalar, location: SourceLocation, offset: number): SourceLocation {
  const before = scalar.text.slice(0, offset);
  if (before.includes('\n') || scalar.style === 'literal' || scalar.style === 'folded') return location;
  const quote = scalar.style === 'plain' ? 0 : 1;
  return { ...location, column: location.column + quote + offset, endLine: undefined, endColumn: undefined };
}

/** A directive written as a mapping key. */
export type TemplateDirective =
  | { kind: 'if' | 'elseif'; condition: string; offset: number }
  | { kind: 'else' }
  | { kind: 'insert' }
  | { kind: 'each'; variable: string; collection: string; offset: number }
  | { kind: 'invalid'; message: string };

const DIRECTIVE_PATTERN = /^\$\{\{(\s*)(if|elseif|else|each|insert)(?![\w.(\[])([\s\S]*)\}\}$/;
const EACH_PATTERN = /^(\s+)([A-Za-z_][A-Za-z0-9_]*)\s+in\s+(\S[\s\S]*)$/;

/**
 * Parses a key such as `${{ if eq(a, b) }}`, `${{ else }}` or
 * `${{ each item in parameters.list }}`. Returns undefined for any other key,
 * including keys that are ordinary expressions (`${{ parameters.name }}`).
 */
export function parseDirective(key: string): TemplateDirective | undefined {
  const match = DIRECTIVE_PATTERN.exec(key.trim());
  if (!match) return undefined;

  const [, leading, keyword, rest] = match;
  const restOffset = 3 + leading.length + keyword.length;
  switch (keyword) {
    case 'if':
    case 'elseif':
      if (rest.trim() === '') return { kind: 'invalid', message: `"${keyword}" needs a condition, as in \${{ ${keyword} eq(parameters.x, 'y') }}` };
      return { kind: keyword, condition: rest, offset: restOffset };
    case 'else':
    case 'insert':
      if (rest.trim() !== '') return { kind: 'invalid', message: `"${keyword}" takes nothing after it, but "${rest.trim()}" follows` };
      return { kind: keyword };
    default: {
      const each = EACH_PATTERN.exec(rest);
      if (!each) return { kind: 'invalid', message: '"each" must have the form ${{ each name in collection }}' };
      const collectionOffset = restOffset + rest.indexOf(each[3], each[1].length + each[2].length);
      return { kind: 'each', variable: each[2], collection: each[3].trimEnd(), offset: collectionOffset };
    }
  }
}
