import { valuesEqual } from '../value-comparison.js';
import type { ExpressionFunction } from './expression-function.js';

/** `eq(a, b)`: True when equal after converting b to a's type; a failed conversion gives False. */
export const eqFunction: ExpressionFunction = {
  name: 'eq',
  minArgs: 2,
  maxArgs: 2,
  usage: 'eq(left, right)',
  invoke(call) {
    return valuesEqual(call.argument(0), call.argument(1));
  },
};
