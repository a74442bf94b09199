import { valuesEqual } from '../value-comparison.js';
import type { ExpressionFunction } from './expression-function.js';

/** `in(a, b, c, …)`: True when a equals any later argument; stops at the first match. */
export const inFunction: ExpressionFunction = {
  name: 'in',
  minArgs: 1,
  maxArgs: Infinity,
  usage: 'in(value, candidate1, candidate2, ...)',
  invoke(call) {
    const needle = call.argument(0);
    for (let i = 1; i < call.argumentCount; i += 1) {
      if (valuesEqual(needle, call.argument(i))) return true;
    }
    return false;
  },
};
