import { ExpressionErrorCode } from '../expression-error-codes.js';
import { isExpressionObject, kindOf } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/**
 * `length(value)`: the number of characters in a string, items in an array or
 * properties in an object; null has length 0. Other types are an error.
 */
export const lengthFunction: ExpressionFunction = {
  name: 'length',
  minArgs: 1,
  maxArgs: 1,
  usage: 'length(stringOrArray)',
  invoke(call) {
    const value = call.argument(0);
    if (value === null) return 0;
    if (typeof value === 'string' || Array.isArray(value)) return value.length;
    if (isExpressionObject(value)) return Object.keys(value).length;
    return call.fail(
      ExpressionErrorCode.InvalidArgument,
      `'length' needs a String, an Array or an Object, but the argument is a ${kindOf(value)}.`,
      'Pass a string, an array (such as a parameter of type object, or the result of split) or an object.',
      0,
    );
  },
};
