import { ExpressionErrorCode } from '../expression-error-codes.js';
import { compareValues } from '../value-comparison.js';
import { kindOf } from '../type-conversion.js';
import type { FunctionCall } from './expression-function.js';

/**
 * Compares the two arguments of `gt`, `ge`, `lt` or `le`, converting the right
 * one to the left one's type. Unlike `eq`, a failed conversion is an error.
 */
export function compareArguments(call: FunctionCall): number {
  const left = call.argument(0);
  const right = call.argument(1);
  const order = compareValues(left, right);
  if (order !== undefined) return order;

  // The message names kinds only: the values may be secrets.
  const name = call.node.name;
  call.fail(
    ExpressionErrorCode.CannotCompare,
    `'${name}' cannot compare a ${kindOf(left)} with a ${kindOf(right)}: the second argument does not convert to ${kindOf(left)}.`,
    `Convert both arguments to the same type, for example compare numbers with numbers or strings with strings.`,
    1,
  );
}
