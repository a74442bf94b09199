import { ExpressionErrorCode } from '../expression-error-codes.js';
import { castToNumber, castToString } from '../type-conversion.js';
import type { ExpressionFunction } from './expression-function.js';

/**
 * `counter(prefix, seed)`: a number that grows by one on every run, kept per
 * prefix; the first run gets `seed`. Azure allows it only in expressions that
 * define variables (learn.microsoft.com …/process/expressions#counter).
 */
export const counterFunction: ExpressionFunction = {
  name: 'counter',
  minArgs: 2,
  maxArgs: 2,
  usage: 'counter(prefix, seed)',
  modes: ['runtime', 'template'],
  modeRule: 'counter() is only allowed in expressions that define variables',
  invoke(call) {
    const prefix = castToString(call.argument(0));
    const seed = castToNumber(call.argument(1));
    if (seed === undefined || !Number.isInteger(seed)) {
      return call.fail(
        ExpressionErrorCode.InvalidArgument,
        "The seed of 'counter' must be a whole number.",
        "Write the seed as a whole number, for example counter(variables['major'], 100).",
        1,
      );
    }

    const store = call.context.counter;
    if (!store) {
      return call.fail(
        ExpressionErrorCode.MissingContext,
        "'counter' needs a counter store, and none is available here.",
        'Use counter() in a variable definition of a pipeline run.',
      );
    }
    return store(prefix, seed);
  },
};
