import { castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `replace(text, old, new)`: every occurrence of `old` (case-sensitive) replaced by `new`. */
export const replaceFunction: ExpressionFunction = {
  name: 'replace',
  minArgs: 3,
  maxArgs: 3,
  usage: 'replace(text, oldValue, newValue)',
  invoke(call) {
    const text = castToString(call.argument(0));
    const oldValue = castToString(call.argument(1));
    const newValue = castToString(call.argument(2));
    if (oldValue === '') return text;
    return text.split(oldValue).join(newValue);
  },
};
