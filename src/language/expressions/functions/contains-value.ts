import { isExpressionObject } from '../type-conversion.js';
import { valuesEqual } from '../value-comparison.js';
import type { ExpressionFunction } from './expression-function.js';

/**
 * `containsValue(collection, value)`: True when an array item or an object's
 * property value equals `value`. Each item is converted to the type of `value`,
 * a failed conversion counts as not equal, and the search stops at the first match.
 */
export const containsValueFunction: ExpressionFunction = {
  name: 'containsValue',
  minArgs: 2,
  maxArgs: 2,
  usage: 'containsValue(collection, value)',
  invoke(call) {
    const collection = call.argument(0);
    const needle = call.argument(1);

    let items: Iterable<import('../expression-context.js').ExpressionValue>;
    if (Array.isArray(collection)) items = collection;
    else if (isExpressionObject(collection)) items = Object.values(collection);
    else return false;

    for (const item of items) {
      if (valuesEqual(needle, item)) return true;
    }
    return false;
  },
};
