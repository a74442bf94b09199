import { castToBoolean } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/**
 * `iif(condition, whenTrue, whenFalse)`: evaluates only the chosen branch.
 * The docs give one to three arguments; a missing branch gives null.
 */
export const iifFunction: ExpressionFunction = {
  name: 'iif',
  minArgs: 1,
  maxArgs: 3,
  usage: 'iif(condition, whenTrue, whenFalse)',
  invoke(call) {
    const branch = castToBoolean(call.argument(0)) ? 1 : 2;
    return branch < call.argumentCount ? call.argument(branch) : null;
  },
};
