import type { ExpressionFunction } from './expression-function.js';
import { compareArguments } from './ordering.js';

/** `gt(a, b)`: True when a is greater than b; raises an error when b does not convert to a's type. */
export const gtFunction: ExpressionFunction = {
  name: 'gt',
  minArgs: 2,
  maxArgs: 2,
  usage: 'gt(left, right)',
  invoke(call) {
    return compareArguments(call) > 0;
  },
};
