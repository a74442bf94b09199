import { castToBoolean } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `not(a)`: the argument cast to boolean, negated. */
export const notFunction: ExpressionFunction = {
  name: 'not',
  minArgs: 1,
  maxArgs: 1,
  usage: 'not(condition)',
  invoke(call) {
    return !castToBoolean(call.argument(0));
  },
};
