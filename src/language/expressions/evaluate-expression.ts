import type { SourceLocation } from '../source-location.js';
import type { ExpressionNode, FunctionCallNode } from './expression-ast.js';
import type { ExpressionContext, ExpressionValue } from './expression-context.js';
import { createExpressionDiagnostic, type ExpressionDiagnostic, type ExpressionDiagnosticInput } from './expression-diagnostic.js';
import { ExpressionError } from './expression-error.js';
import { createFilteredArray, FilteredArray } from './filtered-array.js';
import type { FunctionCall } from './functions/expression-function.js';
import { lookupFunction } from './functions/function-registry.js';
import { validateForMode } from './mode-validation.js';
import { findKey, resolveNamedValue } from './named-values.js';
import { parseExpression } from './parse-expression.js';
import { ExpressionErrorCode } from './expression-error-codes.js';
import { castToBoolean, castToNumber, castToString, isExpressionObject } from './type-conversion.js';

export { ExpressionError } from './expression-error.js';

/**
 * Evaluates a parsed expression. Functions and named values are first checked
 * against `context.mode`; any problem throws an {@link ExpressionError} whose
 * diagnostic is placed at `context.location` plus the offset of the failing node.
 */
export function evaluateExpression(ast: ExpressionNode, context: ExpressionContext): ExpressionValue {
  return evaluateWithSource(ast, context);
}

/**
 * Evaluates with the expression text known, so errors inside a multi-line
 * expression get the right line. Shared by the text-taking entry points.
 */
export function evaluateWithSource(ast: ExpressionNode, context: ExpressionContext, text?: string): ExpressionValue {
  const toDiagnostic = (input: ExpressionDiagnosticInput) => createExpressionDiagnostic(input, context.location, text);

  const problems = validateForMode(ast, context).map(toDiagnostic);
  if (problems.length > 0) throw new ExpressionError(problems[0]!, problems);

  return new Evaluator(context, toDiagnostic).evaluate(ast);
}

/**
 * Parses and evaluates a `condition:` value and casts the result to boolean, as
 * Azure does. Empty or white-space text means `succeeded()`, the default
 * condition (agent ExpressionManager). The evaluation always uses mode `condition`.
 */
export function evaluateCondition(text: string, context: ExpressionContext, location?: SourceLocation): boolean {
  const source = text.trim() === '' ? 'succeeded()' : text;
  const base = location ?? context.location;
  const ast = parseOrThrow(source, base);
  const value = evaluateWithSource(ast, { ...context, mode: 'condition', location: base }, source);
  return castToBoolean(value);
}

/** Parses expression text, throwing an {@link ExpressionError} listing every syntax error. */
export function parseOrThrow(text: string, location?: SourceLocation): ExpressionNode {
  const parsed = parseExpression(text, { location });
  if (parsed.ast && parsed.diagnostics.length === 0) return parsed.ast;
  const diagnostics = parsed.diagnostics as ExpressionDiagnostic[];
  throw new ExpressionError(diagnostics[0]!, diagnostics);
}

class Evaluator {
  constructor(
    private readonly context: ExpressionContext,
    private readonly toDiagnostic: (input: ExpressionDiagnosticInput) => ExpressionDiagnostic,
  ) {}

  evaluate(node: ExpressionNode): ExpressionValue {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'namedValue':
        return this.evaluateNamedValue(node.name, node.offset);
      case 'property':
        return accessMember(this.evaluate(node.target), node.name);
      case 'index':
        return accessMember(this.evaluate(node.target), this.evaluate(node.index));
      case 'filter':
        return filterItems(this.evaluate(node.target));
      case 'call':
        return this.evaluateCall(node);
    }
  }

  private evaluateNamedValue(name: string, offset: number): ExpressionValue {
    const value = resolveNamedValue(this.context, name);
    if (value !== undefined) return value;
    // Mode validation reports unknown names first; this guards direct callers.
    throw new ExpressionError(
      this.toDiagnostic({
        code: ExpressionErrorCode.UnknownNamedValue,
        message: `Unrecognized value '${name}'.`,
        offset,
        length: name.length,
      }),
    );
  }

  private evaluateCall(node: FunctionCallNode): ExpressionValue {
    const definition = lookupFunction(node.name);
    if (!definition) {
      throw new ExpressionError(
        this.toDiagnostic({
          code: ExpressionErrorCode.UnknownFunction,
          message: `Unknown function '${node.name}'.`,
          offset: node.offset,
          length: node.name.length,
        }),
      );
    }

    const cache = new Map<number, ExpressionValue>();
    const call: FunctionCall = {
      node,
      context: this.context,
      argumentCount: node.args.length,
      argument: (index) => {
        if (!cache.has(index)) cache.set(index, this.evaluate(node.args[index]!));
        return cache.get(index)!;
      },
      fail: (code, message, hint, argumentIndex) => {
        const target = argumentIndex === undefined ? node : (node.args[argumentIndex] ?? node);
        throw new ExpressionError(
          this.toDiagnostic({ code, message, hint, offset: target.offset, length: target.length }),
        );
      },
    };
    return definition.invoke(call);
  }
}

/** Looks up a property or index; a miss, or a target that has no members, gives null. */
function accessMember(target: ExpressionValue, key: ExpressionValue): ExpressionValue {
  if (target instanceof FilteredArray) {
    const results: ExpressionValue[] = [];
    for (const item of target) {
      const value = accessMember(item, key);
      if (value !== null) results.push(value);
    }
    return createFilteredArray(results);
  }

  if (Array.isArray(target)) {
    const index = typeof key === 'string' || typeof key === 'number' ? castToNumber(key) : undefined;
    if (index === undefined || !Number.isInteger(index) || index < 0 || index >= target.length) return null;
    return target[index]!;
  }

  if (isExpressionObject(target)) {
    if (Array.isArray(key) || isExpressionObject(key)) return null;
    const found = findKey(target, castToString(key));
    return found === undefined ? null : target[found]!;
  }
  return null;
}

/** Applies `*`: the items of an array or the values of an object, flattened one level for a filtered array. */
function filterItems(target: ExpressionValue): FilteredArray {
  if (target instanceof FilteredArray) {
    const results: ExpressionValue[] = [];
    for (const item of target) results.push(...filterItems(item));
    return createFilteredArray(results);
  }
  if (Array.isArray(target)) return createFilteredArray(target);
  if (isExpressionObject(target)) return createFilteredArray(Object.values(target));
  return createFilteredArray([]);
}
