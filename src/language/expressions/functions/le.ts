import type { ExpressionFunction } from './expression-function.js';
import { compareArguments } from './ordering.js';

/** `le(a, b)`: True when a is less than or equal to b; raises an error when b does not convert to a's type. */
export const leFunction: ExpressionFunction = {
  name: 'le',
  minArgs: 2,
  maxArgs: 2,
  usage: 'le(left, right)',
  invoke(call) {
    return compareArguments(call) <= 0;
  },
};
