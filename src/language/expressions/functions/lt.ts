import type { ExpressionFunction } from './expression-function.js';
import { compareArguments } from './ordering.js';

/** `lt(a, b)`: True when a is less than b; raises an error when b does not convert to a's type. */
export const ltFunction: ExpressionFunction = {
  name: 'lt',
  minArgs: 2,
  maxArgs: 2,
  usage: 'lt(left, right)',
  invoke(call) {
    return compareArguments(call) < 0;
  },
};
