import type { FunctionCallNode } from '../expression-ast.js';
import type { ExpressionContext, ExpressionMode, ExpressionValue } from '../expression-context.js';

/**
 * One call being evaluated. Arguments are evaluated on demand, so `and`, `or`,
 * `in`, `notIn`, `containsValue`, `coalesce` and `iif` can stop early. The
 * evaluator caches each value, so an argument is evaluated at most once.
 */
export interface FunctionCall {
  readonly node: FunctionCallNode;
  readonly context: ExpressionContext;
  readonly argumentCount: number;
  argument(index: number): ExpressionValue;
  /** Throws a coded ExpressionError placed at the call, or at one argument when `argumentIndex` is given. */
  fail(code: string, message: string, hint?: string, argumentIndex?: number): never;
}

/**
 * Reports whether argument `index` is written as a literal in the expression.
 * Error messages quote an argument's value only then, because a value read
 * from a variable may be a secret.
 */
export function isLiteralArgument(call: FunctionCall, index: number): boolean {
  return call.node.args[index]?.kind === 'literal';
}

/** A built-in function: its name, argument counts, where it may be used and its body. */
export interface ExpressionFunction {
  /** The documented spelling; calls match it case-insensitively. */
  name: string;
  minArgs: number;
  /** `Infinity` when the function takes any number of trailing arguments. */
  maxArgs: number;
  /** A call template for error hints, such as `eq(left, right)`. */
  usage: string;
  /** The modes where the function is allowed; every mode when absent. */
  modes?: readonly ExpressionMode[];
  /** The reason the function is limited to `modes`, shown in the error message. */
  modeRule?: string;
  invoke(call: FunctionCall): ExpressionValue;
}
