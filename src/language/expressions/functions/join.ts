import { castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/**
 * `join(separator, array)`: the items cast to string and joined; arrays and
 * objects inside become `''`. When the second argument is not an array, the
 * result is that argument as a string.
 */
export const joinFunction: ExpressionFunction = {
  name: 'join',
  minArgs: 2,
  maxArgs: 2,
  usage: 'join(separator, array)',
  invoke(call) {
    const separator = castToString(call.argument(0));
    const collection = call.argument(1);
    if (!Array.isArray(collection)) return castToString(collection);
    return collection.map((item) => castToString(item)).join(separator);
  },
};
