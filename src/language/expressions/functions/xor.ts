import { castToBoolean } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `xor(a, b)`: True when exactly one argument casts to True. */
export const xorFunction: ExpressionFunction = {
  name: 'xor',
  minArgs: 2,
  maxArgs: 2,
  usage: 'xor(condition1, condition2)',
  invoke(call) {
    return castToBoolean(call.argument(0)) !== castToBoolean(call.argument(1));
  },
};
