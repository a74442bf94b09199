import { castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `lower(text)`: the argument cast to string, in lower case. */
export const lowerFunction: ExpressionFunction = {
  name: 'lower',
  minArgs: 1,
  maxArgs: 1,
  usage: 'lower(text)',
  invoke(call) {
    return castToString(call.argument(0)).toLowerCase();
  },
};
