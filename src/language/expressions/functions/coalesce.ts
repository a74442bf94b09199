import type { ExpressionFunction } from './expression-function.js';

/**
 * `coalesce(a, b, …)`: the first argument that is neither null nor `''`, or
 * null when there is none (learn.microsoft.com …/process/expressions#coalesce).
 */
export const coalesceFunction: ExpressionFunction = {
  name: 'coalesce',
  minArgs: 2,
  maxArgs: Infinity,
  usage: 'coalesce(value1, value2, ...)',
  invoke(call) {
    for (let i = 0; i < call.argumentCount; i += 1) {
      const value = call.argument(i);
      if (value !== null && value !== '') return value;
    }
    return null;
  },
};
