import type { AzureResultName } from '../../events/task-result.js';
import {
  ExpressionDateTime,
  type ExpressionContext,
  type ExpressionMode,
  type ExpressionValue,
  type StatusContext,
} from './expression-context.js';
import { findKey } from './named-values.js';
import { equalsIgnoreCase } from './string-comparison.js';
import { isExpressionObject } from './type-conversion.js';

/** The keys an evaluation context file may contain. */
export const CONTEXT_FILE_KEYS = [
  'variables',
  'parameters',
  'dependencies',
  'stageDependencies',
  'pipeline',
  'resources',
  'jobStatus',
  'canceled',
  'now',
] as const;

const RESULT_NAMES: readonly AzureResultName[] = ['Succeeded', 'SucceededWithIssues', 'Failed', 'Canceled', 'Skipped'];

/** A context built from JSON, or the problems that prevented it. */
export type ContextFromJsonResult = { ok: true; context: ExpressionContext } | { ok: false; problems: string[] };

/**
 * Builds an evaluation context from JSON data (as `sluice eval --context` and
 * the expression test tables use). `variables`, `parameters`, `dependencies`,
 * `stageDependencies`, `pipeline` and `resources` become named values;
 * `pipeline.startTime` and `now` are ISO 8601 times. For status functions,
 * `jobStatus` selects step scope; without it, the `result` of each entry of
 * `dependencies` gives job or stage scope. `counter()` counts in memory,
 * starting at its seed.
 */
export function createContextFromJson(data: unknown, mode: ExpressionMode): ContextFromJsonResult {
  const problems: string[] = [];
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    return { ok: false, problems: ['The context must be a JSON object, for example {"variables": {"a": "1"}}.'] };
  }
  const record = data as Record<string, unknown>;

  for (const key of Object.keys(record)) {
    if (!(CONTEXT_FILE_KEYS as readonly string[]).includes(key)) {
      problems.push(`Unknown key '${key}'; expected one of ${CONTEXT_FILE_KEYS.join(', ')}.`);
    }
  }

  const namedValues: Record<string, ExpressionValue> = {};
  for (const key of ['variables', 'parameters', 'dependencies', 'stageDependencies', 'resources'] as const) {
    if (record[key] !== undefined) namedValues[key] = record[key] as ExpressionValue;
  }

  const now = readTime(record.now, "'now'", problems);
  const pipeline = readPipeline(record.pipeline, problems);
  if (pipeline) namedValues.pipeline = pipeline;
  const status = readStatus(record, problems);

  if (problems.length > 0) return { ok: false, problems };

  const counters = new Map<string, number>();
  const context: ExpressionContext = {
    mode,
    namedValues,
    status,
    counter: (prefix, seed) => {
      const next = counters.has(prefix) ? counters.get(prefix)! + 1 : seed;
      counters.set(prefix, next);
      return next;
    },
  };
  if (now) context.now = now;
  return { ok: true, context };
}

function readTime(value: unknown, label: string, problems: string[]): Date | undefined {
  if (value === undefined) return undefined;
  const time = typeof value === 'string' ? new Date(value) : undefined;
  if (time && !Number.isNaN(time.getTime())) return time;
  problems.push(`${label} must be an ISO 8601 time such as "2024-05-01T10:30:00Z".`);
  return undefined;
}

function readPipeline(value: unknown, problems: string[]): ExpressionValue | undefined {
  if (value === undefined) return undefined;
  if (!isExpressionObject(value as ExpressionValue)) {
    problems.push("'pipeline' must be an object, for example {\"startTime\": \"2024-05-01T10:30:00Z\"}.");
    return undefined;
  }
  const pipeline = { ...(value as Record<string, ExpressionValue>) };
  const key = findKey(pipeline, 'startTime');
  if (key !== undefined) {
    const time = readTime(pipeline[key], "'pipeline.startTime'", problems);
    if (time) pipeline[key] = new ExpressionDateTime(time);
  }
  return pipeline;
}

function readStatus(record: Record<string, unknown>, problems: string[]): StatusContext {
  const canceled = record.canceled ?? false;
  if (typeof canceled !== 'boolean') problems.push("'canceled' must be true or false.");
  const status: StatusContext = { canceled: canceled === true };

  if (record.jobStatus !== undefined) {
    const jobStatus = readResult(record.jobStatus, "'jobStatus'", problems);
    if (jobStatus) status.jobStatus = jobStatus;
    return status;
  }

  const dependencies = record.dependencies;
  if (dependencies === undefined) return status;
  if (!isExpressionObject(dependencies as ExpressionValue)) {
    problems.push("'dependencies' must be an object of {\"<name>\": {\"result\": \"Succeeded\", \"outputs\": {…}}}.");
    return status;
  }

  status.dependencies = {};
  for (const [name, entry] of Object.entries(dependencies as Record<string, unknown>)) {
    const result = isExpressionObject(entry as ExpressionValue) ? (entry as Record<string, unknown>).result : undefined;
    const parsed = readResult(result, `'dependencies.${name}.result'`, problems);
    if (parsed) status.dependencies[name] = parsed;
  }
  return status;
}

function readResult(value: unknown, label: string, problems: string[]): AzureResultName | undefined {
  const match = typeof value === 'string' ? RESULT_NAMES.find((name) => equalsIgnoreCase(name, value)) : undefined;
  if (match) return match;
  problems.push(`${label} must be one of ${RESULT_NAMES.join(', ')}.`);
  return undefined;
}
