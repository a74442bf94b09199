import { castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `upper(text)`: the argument cast to string, in upper case. */
export const upperFunction: ExpressionFunction = {
  name: 'upper',
  minArgs: 1,
  maxArgs: 1,
  usage: 'upper(text)',
  invoke(call) {
    return castToString(call.argument(0)).toUpperCase();
  },
};
