import { castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `trim(text)`: the argument cast to string, without leading and trailing white space. */
export const trimFunction: ExpressionFunction = {
  name: 'trim',
  minArgs: 1,
  maxArgs: 1,
  usage: 'trim(text)',
  invoke(call) {
    return castToString(call.argument(0)).trim();
  },
};
