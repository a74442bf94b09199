import { castToBoolean } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `and(a, b, …)`: True when every argument casts to True; stops at the first False. */
export const andFunction: ExpressionFunction = {
  name: 'and',
  minArgs: 2,
  maxArgs: Infinity,
  usage: 'and(condition1, condition2, ...)',
  invoke(call) {
    for (let i = 0; i < call.argumentCount; i += 1) {
      if (!castToBoolean(call.argument(i))) return false;
    }
    return true;
  },
};
