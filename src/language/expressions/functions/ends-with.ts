import { equalsIgnoreCase } from '../string-comparison.js';
import { castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `endsWith(text, suffix)`: both cast to string; a suffix test that ignores case. */
export const endsWithFunction: ExpressionFunction = {
  name: 'endsWith',
  minArgs: 2,
  maxArgs: 2,
  usage: 'endsWith(text, suffix)',
  invoke(call) {
    const text = castToString(call.argument(0));
    const suffix = castToString(call.argument(1));
    return suffix.length <= text.length && equalsIgnoreCase(text.slice(text.length - suffix.length), suffix);
  },
};
