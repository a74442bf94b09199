import { valuesEqual } from '../value-comparison.js';
import type { ExpressionFunction } from './expression-function.js';

/** `notIn(a, b, c, …)`: True when a equals none of the later arguments; stops at the first match. */
export const notInFunction: ExpressionFunction = {
  name: 'notIn',
  minArgs: 1,
  maxArgs: Infinity,
  usage: 'notIn(value, candidate1, candidate2, ...)',
  invoke(call) {
    const needle = call.argument(0);
    for (let i = 1; i < call.argumentCount; i += 1) {
      if (valuesEqual(needle, call.argument(i))) return false;
    }
    return true;
  },
};
