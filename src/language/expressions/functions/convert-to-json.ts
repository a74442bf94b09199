import { toJsonValue } from '../json-value.js';
import type { ExpressionFunction } from './expression-function.js';

/** `convertToJson(value)`: the value as JSON, indented by two spaces as in the docs' example. */
export const convertToJsonFunction: ExpressionFunction = {
  name: 'convertToJson',
  minArgs: 1,
  maxArgs: 1,
  usage: 'convertToJson(value)',
  invoke(call) {
    return JSON.stringify(toJsonValue(call.argument(0)), null, 2);
  },
};
