import { castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/**
 * `split(text, delimiter)`: the parts of `text` between occurrences of
 * `delimiter`. Consecutive or trailing delimiters give empty strings.
 * NOTE: the docs call the second argument "delimiting characters" and do not
 * state whether it is one string or a set of characters. It is one string here,
 * which agrees with Azure for the usual single-character delimiter.
 */
export const splitFunction: ExpressionFunction = {
  name: 'split',
  minArgs: 2,
  maxArgs: 2,
  usage: 'split(text, delimiter)',
  invoke(call) {
    const text = castToString(call.argument(0));
    const delimiter = castToString(call.argument(1));
    if (delimiter === '') return [text];
    return text.split(delimiter);
  },
};
