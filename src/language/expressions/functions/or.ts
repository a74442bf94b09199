import { castToBoolean } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `or(a, b, …)`: True when any argument casts to True; stops at the first True. */
export const orFunction: ExpressionFunction = {
  name: 'or',
  minArgs: 2,
  maxArgs: Infinity,
  usage: 'or(condition1, condition2, ...)',
  invoke(call) {
    for (let i = 0; i < call.argumentCount; i += 1) {
      if (castToBoolean(call.argument(i))) return true;
    }
    return false;
  },
};
