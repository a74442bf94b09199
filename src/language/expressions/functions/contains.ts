import { indexOfIgnoreCase } from '../string-comparison.js';
import { castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `contains(haystack, needle)`: both cast to string; True when haystack contains needle, ignoring case. */
export const containsFunction: ExpressionFunction = {
  name: 'contains',
  minArgs: 2,
  maxArgs: 2,
  usage: 'contains(haystack, needle)',
  invoke(call) {
    return indexOfIgnoreCase(castToString(call.argument(0)), castToString(call.argument(1))) >= 0;
  },
};
