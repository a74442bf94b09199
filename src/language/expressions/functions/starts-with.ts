import { equalsIgnoreCase } from '../string-comparison.js';
import { castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/** `startsWith(text, prefix)`: both cast to string; a prefix test that ignores case. */
export const startsWithFunction: ExpressionFunction = {
  name: 'startsWith',
  minArgs: 2,
  maxArgs: 2,
  usage: 'startsWith(text, prefix)',
  invoke(call) {
    const text = castToString(call.argument(0));
    const prefix = castToString(call.argument(1));
    return prefix.length <= text.length && equalsIgnoreCase(text.slice(0, prefix.length), prefix);
  },
};
