import type { ExpressionFunction } from './expression-function.js';
import { compareArguments } from './ordering.js';

/** `ge(a, b)`: True when a is greater than or equal to b; raises an error when b does not convert to a's type. */
export const geFunction: ExpressionFunction = {
  name: 'ge',
  minArgs: 2,
  maxArgs: 2,
  usage: 'ge(left, right)',
  invoke(call) {
    return compareArguments(call) >= 0;
  },
};
