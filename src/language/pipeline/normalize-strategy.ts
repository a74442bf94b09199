import type { SourceLocation } from '../source-location.js';
import type { YamlMapping, YamlNode } from '../yaml/yaml-node.js';
import {
  CANARY_KEYS,
  DEPLOYMENT_STRATEGY_KEYS,
  HOOK_KEYS,
  ON_KEYS,
  ROLLING_KEYS,
  RUN_ONCE_KEYS,
  STRATEGY_KEYS,
} from './key-tables.js';
import type { KeyTable } from './key-tables.js';
import { checkMatrixLegName } from './name-rules.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizePool } from './normalize-pool.js';
import { normalizeSteps } from './normalize-step.js';
import { checkKeys, describeShape, entryValue, readInteger, scalarText } from './node-reader.js';
import type { DeploymentStrategy, StrategyDefinition } from './pipeline-model.js';
import { isTemplateExpressionKey } from './template-syntax.js';

/** Upper bound for `parallel` and `maxParallel`; a guard against typos, not an Azure limit. */
export const MAX_PARALLEL_JOBS = 1000;

/**
 * Normalises a job's `strategy:` with `matrix` (+ `maxParallel`) or `parallel`;
 * the two are mutually exclusive (YAML schema reference: jobs.job.strategy).
 */
export function normalizeStrategy(node: YamlNode | undefined, context: NormalizeContext): StrategyDefinition | undefined {
  if (node?.kind !== 'mapping') return undefined;

  checkKeys(node, STRATEGY_KEYS, '"strategy"', context);
  return readMatrixStrategy(node, node.location, context);
}

/**
 * Reads `matrix`, `maxParallel` and `parallel` from `source`: a `strategy:`
 * mapping, or the legacy `queue:` mapping, where `parallel` beside a matrix
 * means `maxParallel`.
 */
export function readMatrixStrategy(
  source: YamlMapping,
  location: SourceLocation,
  context: NormalizeContext,
  legacyQueue = false,
): StrategyDefinition | undefined {
  const matrixNode = entryValue(source, 'matrix');
  const parallelNode = entryValue(source, 'parallel');
  const maxParallelNode = entryValue(source, legacyQueue ? 'parallel' : 'maxParallel');
  if (matrixNode === undefined && parallelNode === undefined && maxParallelNode === undefined) return undefined;

  const limits = { min: 0, max: MAX_PARALLEL_JOBS, fallback: 0 };
  const strategy: StrategyDefinition = { location };

  if (matrixNode !== undefined) {
    if (!legacyQueue && parallelNode !== undefined) {
      const key = source.entries.find((entry) => entry.key.text === 'parallel')!.key;
      context.error('PIPE004', '"matrix" and "parallel" cannot be used together in one strategy', key.location,
        'Keep "matrix" (with "maxParallel" to limit concurrency) or "parallel", not both.');
    }
    readMatrix(matrixNode, strategy, context);
    const maxParallel = readInteger(maxParallelNode, legacyQueue ? 'parallel' : 'maxParallel', limits, context);
    if (maxParallelNode !== undefined) strategy.maxParallel = maxParallel;
    return strategy;
  }

  if (parallelNode !== undefined) strategy.parallel = readInteger(parallelNode, 'parallel', { ...limits, min: 1, fallback: 1 }, context);
  if (maxParallelNode !== undefined && !legacyQueue) strategy.maxParallel = readInteger(maxParallelNode, 'maxParallel', limits, context);
  return strategy;
}

function readMatrix(node: YamlNode, strategy: StrategyDefinition, context: NormalizeContext): void {
  if (node.kind === 'scalar') {
    // A runtime expression yielding JSON (learn.microsoft.com …/process/phases, "Multi-job configuration").
    if (!node.text.trim().startsWith('$[')) {
      context.error('PIPE002', `"matrix" must be a mapping of legs or a runtime expression "$[ … ]", but is "${node.text}"`,
        node.location, 'Write each leg as a key with its variables beneath it.');
      return;
    }
    strategy.matrix = { value: node.text, location: node.location };
    return;
  }
  if (node.kind !== 'mapping') return;

  const legs: Record<string, Record<string, string>> = {};
  const locations: Record<string, SourceLocation> = {};
  for (const { key, value } of node.entries) {
    if (isTemplateExpressionKey(key.text)) continue;
    checkMatrixLegName(key.text, key.location, context);

    const variables: Record<string, string> = {};
    if (value.kind === 'mapping') {
      for (const entry of value.entries) {
        if (entry.value.kind !== 'scalar') {
          context.error('PIPE002', `matrix variable "${entry.key.text}" must be a string, but is ${describeShape(entry.value)}`,
            entry.value.location, 'Matrix variables are strings; write the value on one line.');
          continue;
        }
        variables[entry.key.text] = entry.value.text;
      }
    } else if (!(value.kind === 'scalar' && value.tag === 'null')) {
      context.error('PIPE002', `matrix leg "${key.text}" must be a mapping of variables, but is ${describeShape(value)}`,
        value.location, 'Write the leg\'s variables beneath it, one "name: value" per line.');
    }
    legs[key.text] = variables;
    locations[key.text] = key.location;
  }
  strategy.matrix = legs;
  strategy.matrixLocations = locations;
}

/** Normalises a deployment job's strategy: `runOnce`, `rolling` or `canary` with their lifecycle hooks. */
export function normalizeDeploymentStrategy(
  node: YamlNode | undefined,
  context: NormalizeContext,
): StrategyDefinition | undefined {
  if (node?.kind !== 'mapping') return undefined;
  checkKeys(node, DEPLOYMENT_STRATEGY_KEYS, 'a deployment "strategy"', context);

  const kinds = node.entries.filter((entry) => entry.key.text in DEPLOYMENT_STRATEGY_KEYS);
  if (kinds.length === 0) {
    context.error('PIPE003', 'a deployment "strategy" needs one of runOnce, rolling or canary', node.location,
      'Add "runOnce:" with a "deploy:" hook and its "steps:".');
    return { location: node.location };
  }
  if (kinds.length > 1) {
    context.error('PIPE004', `a deployment strategy can be only one of runOnce, rolling or canary, but "${kinds[1].key.text}" follows "${kinds[0].key.text}"`,
      kinds[1].key.location, 'Keep one strategy.');
  }

  const kind = kinds[0].key.text as DeploymentStrategy['kind'];
  const body = kinds[0].value;
  const deployment: DeploymentStrategy = { kind, hooks: {} };
  if (body.kind === 'mapping') readHooks(body, kind, deployment, context);
  return { location: node.location, deployment };
}

function readHooks(body: YamlMapping, kind: DeploymentStrategy['kind'], deployment: DeploymentStrategy, context: NormalizeContext): void {
  const tables: Record<DeploymentStrategy['kind'], KeyTable> = { runOnce: RUN_ONCE_KEYS, rolling: ROLLING_KEYS, canary: CANARY_KEYS };
  checkKeys(body, tables[kind], `"${kind}"`, context);

  for (const { key, value } of body.entries) {
    if (key.text === 'maxParallel') deployment.maxParallel = scalarText(value);
    if (key.text === 'increments' && value.kind === 'sequence') {
      deployment.increments = value.items.map((item) => readInteger(item, 'increments', { min: 1, max: 100, fallback: 100 }, context));
    }
    if (key.text === 'on' && value.kind === 'mapping') {
      checkKeys(value, ON_KEYS, '"on"', context);
      for (const outcome of value.entries) readHook(`on.${outcome.key.text}`, outcome.value, deployment, context);
    } else if (key.text in RUN_ONCE_KEYS) {
      readHook(key.text, value, deployment, context);
    }
  }
}

function readHook(name: string, node: YamlNode, deployment: DeploymentStrategy, context: NormalizeContext): void {
  if (node.kind !== 'mapping') return;
  checkKeys(node, HOOK_KEYS, `the "${name}" hook`, context);
  deployment.hooks[name] = {
    steps: normalizeSteps(entryValue(node, 'steps'), `the "${name}" hook`, context),
    pool: normalizePool(entryValue(node, 'pool'), context),
  };
}
