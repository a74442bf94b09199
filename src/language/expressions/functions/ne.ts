import { valuesEqual } from '../value-comparison.js';
import type { ExpressionFunction } from './expression-function.js';

/** `ne(a, b)`: True when not equal after converting b to a's type; a failed conversion gives True. */
export const neFunction: ExpressionFunction = {
  name: 'ne',
  minArgs: 2,
  maxArgs: 2,
  usage: 'ne(left, right)',
  invoke(call) {
    return !valuesEqual(call.argument(0), call.argument(1));
  },
};
