import type { SourceLocation } from '../source-location.js';
import type { ExpressionContext } from './expression-context.js';
import { evaluateWithSource, parseOrThrow } from './evaluate-expression.js';
import { toJsonValue } from './json-value.js';
import { castToString, isExpressionObject } from './type-conversion.js';

/**
 * Returns the inner expression when the WHOLE value is one `$[ … ]`, as Azure
 * requires for runtime expressions (`key: $[x] foo` is not one); otherwise
 * undefined. White space around the brackets is allowed. Brackets and quotes
 * inside the expression are matched, so `$[ a ] $[ b ]` is rejected.
 */
export function matchRuntimeExpression(text: string): string | undefined {
  const trimmed = text.trim();
  if (!trimmed.startsWith('$[') || !trimmed.endsWith(']')) return undefined;

  let depth = 1;
  let position = 2;
  while (position < trimmed.length) {
    const character = trimmed[position]!;
    if (character === "'") {
      const close = findStringEnd(trimmed, position);
      if (close < 0) return undefined;
      position = close + 1;
      continue;
    }
    if (character === '[') depth += 1;
    if (character === ']') {
      depth -= 1;
      if (depth === 0) return position === trimmed.length - 1 ? trimmed.slice(2, position) : undefined;
    }
    position += 1;
  }
  return undefined;
}

/** Returns the index of the quote that closes the string starting at `start`, or -1. */
function findStringEnd(text: string, start: number): number {
  let position = start + 1;
  while (position < text.length) {
    if (text[position] === "'") {
      if (text[position + 1] !== "'") return position;
      position += 2;
      continue;
    }
    position += 1;
  }
  return -1;
}

/**
 * Evaluates the inside of a `$[ … ]` in mode `runtime` and returns the value
 * as a variable string: null is `''`, booleans are `True`/`False`, and arrays
 * and objects are compact JSON (as a matrix built from an output variable needs).
 * `location` is where `inner` starts in the file.
 * Throws an ExpressionError on syntax or evaluation errors.
 */
export function evaluateRuntimeExpression(inner: string, context: ExpressionContext, location?: SourceLocation): string {
  const base = location ?? context.location;
  const ast = parseOrThrow(inner, base);
  const value = evaluateWithSource(ast, { ...context, mode: 'runtime', location: base }, inner);

  if (Array.isArray(value) || isExpressionObject(value)) {
    return JSON.stringify(toJsonValue(value));
  }
  return castToString(value);
}
