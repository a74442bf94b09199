import type { ExpressionContext, ExpressionMode, ExpressionValue } from './expression-context.js';
import { ExpressionDateTime } from './expression-context.js';
import { equalsIgnoreCase } from './string-comparison.js';
import { isExpressionObject } from './type-conversion.js';

// The contexts available to each syntax: learn.microsoft.com/azure/devops/pipelines/process/expressions
// ("The difference between runtime and compile time expression syntaxes") and …/process/variables.

/** The standard named values, and the modes where each one is available. */
export const STANDARD_NAMED_VALUES: Readonly<Record<string, readonly ExpressionMode[]>> = {
  variables: ['template', 'runtime', 'condition'],
  parameters: ['template'],
  dependencies: ['runtime', 'condition'],
  stageDependencies: ['runtime', 'condition'],
  pipeline: ['template', 'runtime', 'condition'],
  resources: ['template', 'runtime', 'condition'],
};

/** Finds a key in a mapping: the exact spelling first, then ignoring case. */
export function findKey(object: Record<string, unknown>, name: string): string | undefined {
  if (Object.hasOwn(object, name)) return name;
  return Object.keys(object).find((key) => equalsIgnoreCase(key, name));
}

/** Returns the standard name that `name` spells, ignoring case, if any. */
export function standardNamedValue(name: string): string | undefined {
  return Object.keys(STANDARD_NAMED_VALUES).find((key) => equalsIgnoreCase(key, name));
}

/**
 * Resolves a top-level name. Returns undefined only for a name that is neither
 * in the context nor a standard named value. A standard one that the context
 * leaves out is null, except `pipeline`, which always has `startTime`.
 */
export function resolveNamedValue(context: ExpressionContext, name: string): ExpressionValue | undefined {
  const key = findKey(context.namedValues, name);
  const value = key === undefined ? undefined : context.namedValues[key];
  const standard = standardNamedValue(name);

  if (standard === 'pipeline') return withStartTime(value, context.now);
  if (value !== undefined) return value;
  return standard === undefined ? undefined : null;
}

/** Adds `startTime` (a UTC date-time) to the `pipeline` object unless the context set it. */
function withStartTime(value: ExpressionValue | undefined, now: Date | undefined): ExpressionValue {
  const pipeline = value !== undefined && isExpressionObject(value) ? value : {};
  if (findKey(pipeline, 'startTime') !== undefined) return pipeline;
  return { ...pipeline, startTime: new ExpressionDateTime(now ?? new Date()) };
}
