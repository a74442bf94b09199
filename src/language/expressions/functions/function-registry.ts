import { alwaysFunction } from './always.js';
import { andFunction } from './and.js';
import { canceledFunction } from './canceled.js';
import { coalesceFunction } from './coalesce.js';
import { containsValueFunction } from './contains-value.js';
import { containsFunction } from './contains.js';
import { convertToJsonFunction } from './convert-to-json.js';
import { counterFunction } from './counter.js';
import { endsWithFunction } from './ends-with.js';
import { eqFunction } from './eq.js';
import type { ExpressionFunction } from './expression-function.js';
import { failedFunction } from './failed.js';
import { formatFunction } from './format.js';
import { geFunction } from './ge.js';
import { gtFunction } from './gt.js';
import { iifFunction } from './iif.js';
import { inFunction } from './in.js';
import { joinFunction } from './join.js';
import { leFunction } from './le.js';
import { lengthFunction } from './length.js';
import { lowerFunction } from './lower.js';
import { ltFunction } from './lt.js';
import { neFunction } from './ne.js';
import { notInFunction } from './not-in.js';
import { notFunction } from './not.js';
import { orFunction } from './or.js';
import { replaceFunction } from './replace.js';
import { splitFunction } from './split.js';
import { startsWithFunction } from './starts-with.js';
import { succeededOrFailedFunction } from './succeeded-or-failed.js';
import { succeededFunction } from './succeeded.js';
import { trimFunction } from './trim.js';
import { upperFunction } from './upper.js';
import { xorFunction } from './xor.js';

export type { ExpressionFunction, FunctionCall } from './expression-function.js';

/** Every built-in function, general and job-status ones. */
export const EXPRESSION_FUNCTIONS: readonly ExpressionFunction[] = [
  andFunction, orFunction, notFunction, xorFunction,
  eqFunction, neFunction, gtFunction, geFunction, ltFunction, leFunction,
  inFunction, notInFunction, containsFunction, containsValueFunction,
  startsWithFunction, endsWithFunction, coalesceFunction, formatFunction,
  joinFunction, splitFunction, replaceFunction, lowerFunction, upperFunction,
  trimFunction, lengthFunction, convertToJsonFunction, counterFunction, iifFunction,
  alwaysFunction, canceledFunction, failedFunction, succeededFunction, succeededOrFailedFunction,
];

const BY_NAME = new Map(EXPRESSION_FUNCTIONS.map((definition) => [definition.name.toLowerCase(), definition]));

/** Finds a function by name, ignoring case as Azure does; undefined when there is none. */
export function lookupFunction(name: string): ExpressionFunction | undefined {
  return BY_NAME.get(name.toLowerCase());
}

/** Describes how many arguments a function takes, for error messages. */
export function describeArity(definition: ExpressionFunction): string {
  const { minArgs, maxArgs } = definition;
  const plural = (count: number) => `${count} argument${count === 1 ? '' : 's'}`;
  if (maxArgs === 0) return 'no arguments';
  if (minArgs === maxArgs) return `exactly ${plural(minArgs)}`;
  if (maxArgs === Infinity) return `at least ${plural(minArgs)}`;
  return `${minArgs} to ${maxArgs} arguments`;
}
