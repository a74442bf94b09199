import { parseExpression } from '../expressions/parse-expression.js';
import type { Located, SourceLocation } from '../source-location.js';
import type { YamlMapping, YamlNode, YamlScalar } from '../yaml/yaml-node.js';
import type { KeyTable, ValueShape } from './key-tables.js';
import type { NormalizeContext } from './normalize-context.js';
import { containsTemplateExpression, isTemplateExpressionKey } from './template-syntax.js';

/** YAML boolean spellings Azure Pipelines accepts, any case (YAML schema reference: boolean). */
const TRUE_WORDS = new Set(['true', 'y', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', 'n', 'no', 'off']);

/** Returns the words messages use for a node: "a mapping", "a list", or the scalar's value in quotes. */
export function describeShape(node: YamlNode): string {
  if (node.kind === 'mapping') return 'a mapping';
  if (node.kind === 'sequence') return 'a list';
  return `the value "${node.text}"`;
}

function shapeOf(node: YamlNode): ValueShape {
  return node.kind;
}

function describeShapes(shapes: readonly ValueShape[]): string {
  const names: Record<ValueShape, string> = { scalar: 'a string', mapping: 'a mapping', sequence: 'a list' };
  const words = shapes.map((shape) => names[shape]);
  return words.length === 1 ? words[0] : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

/**
 * Checks every key of `mapping` against `table`: an unknown key gets PIPE001 with
 * the nearest valid key as a suggestion, a value of the wrong shape gets PIPE002.
 * Keys written as template expressions are skipped (they are reported once elsewhere).
 */
export function checkKeys(mapping: YamlMapping, table: KeyTable, owner: string, context: NormalizeContext): void {
  for (const { key, value } of mapping.entries) {
    if (isTemplateExpressionKey(key.text)) continue;

    const shapes = table[key.text];
    if (!shapes) {
      const suggestion = nearestKey(key.text, Object.keys(table));
      context.error('PIPE001', `unknown key "${key.text}" in ${owner}`, key.location,
        suggestion ? `Did you mean "${suggestion}"?` : `Valid keys are: ${Object.keys(table).join(', ')}.`);
      continue;
    }
    if (!shapes.includes(shapeOf(value))) {
      context.error('PIPE002', `"${key.text}" in ${owner} must be ${describeShapes(shapes)}, but is ${describeShape(value)}`,
        value.location, `Write "${key.text}" as ${describeShapes(shapes)}.`);
    }
  }
}

/** Returns the value under `key`, or undefined; the key's shape was checked by `checkKeys`. */
export function entryValue(mapping: YamlMapping, key: string): YamlNode | undefined {
  return mapping.entries.find((entry) => entry.key.text === key)?.value;
}

/** Returns a scalar's text, or undefined for any other shape (already reported by `checkKeys`). */
export function scalarText(node: YamlNode | undefined): string | undefined {
  return node?.kind === 'scalar' ? node.text : undefined;
}

/** Returns a non-null scalar's text with its location. */
export function locatedText(node: YamlNode | undefined): Located<string> | undefined {
  if (node?.kind !== 'scalar') return undefined;
  return { value: node.text, location: node.location };
}

/** Returns the value of a YAML boolean word (true|y|yes|on|false|n|no|off, any case), or undefined for other text. */
export function parseBooleanWord(text: string): boolean | undefined {
  const word = text.toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  return undefined;
}

/** Reads a YAML boolean field (true|y|yes|on|false|n|no|off, any case); reports anything else. */
export function readBoolean(node: YamlNode | undefined, key: string, fallback: boolean, context: NormalizeContext): boolean {
  if (node === undefined) return fallback;
  if (node.kind !== 'scalar') return fallback;
  if (node.tag === 'null' || containsTemplateExpression(node)) return fallback;

  const value = parseBooleanWord(node.text);
  if (value !== undefined) return value;

  context.error('PIPE002', `"${key}" must be a boolean, but is "${node.text}"`, node.location,
    'Use true or false (y, yes, on, n, no and off are accepted too).');
  return fallback;
}

/** Reads a YAML boolean field that has no default; undefined when the key is absent. */
export function optionalBoolean(node: YamlNode | undefined, key: string, context: NormalizeContext): boolean | undefined {
  return node === undefined ? undefined : readBoolean(node, key, false, context);
}

/** Returns a node as plain data, or undefined when the key is absent. */
export function optionalData(node: YamlNode | undefined): unknown {
  return node === undefined ? undefined : toPlainData(node);
}

/** Reads a whole number within [min, max]; reports other values and returns the fallback. */
export function readInteger(
  node: YamlNode | undefined,
  key: string,
  range: { min: number; max: number; fallback: number },
  context: NormalizeContext,
): number {
  if (node === undefined || node.kind !== 'scalar' || node.tag === 'null') return range.fallback;
  if (containsTemplateExpression(node)) return range.fallback;

  const text = node.text.trim();
  if (!/^[-+]?[0-9]+$/.test(text)) {
    context.error('PIPE002', `"${key}" must be a whole number, but is "${node.text}"`, node.location,
      `Write a number between ${range.min} and ${range.max}.`);
    return range.fallback;
  }

  const value = Number(text);
  if (value < range.min || value > range.max) {
    context.error('PIPE016', `"${key}" is ${value}, but must be between ${range.min} and ${range.max}`, node.location,
      `Use a value from ${range.min} to ${range.max}.`);
    return range.fallback;
  }
  return value;
}

/** Reads a scalar that must be one of `allowed` (compared without case); reports other values. */
export function readChoice<T extends string>(
  node: YamlNode | undefined,
  key: string,
  allowed: readonly T[],
  context: NormalizeContext,
): T | undefined {
  if (node?.kind !== 'scalar' || node.tag === 'null' || containsTemplateExpression(node)) return undefined;

  const match = allowed.find((choice) => choice.toLowerCase() === node.text.toLowerCase());
  if (match) return match;

  context.error('PIPE016', `"${key}" is "${node.text}", but must be one of: ${allowed.join(', ')}`, node.location,
    `Change "${key}" to one of: ${allowed.join(', ')}.`);
  return undefined;
}

/** Reads a mapping of names to strings (`env`, `inputs`); values stay as written, so `true` stays `true`. */
export function readStringMap(node: YamlNode | undefined, key: string, context: NormalizeContext): Record<string, string> {
  const result: Record<string, string> = {};
  if (node?.kind !== 'mapping') return result;

  for (const entry of node.entries) {
    if (isTemplateExpressionKey(entry.key.text)) continue;
    if (entry.value.kind !== 'scalar') {
      context.error('PIPE002', `"${entry.key.text}" in "${key}" must be a string, but is ${describeShape(entry.value)}`,
        entry.value.location, 'Write the value on one line, or as a block scalar ("|") if it spans several lines.');
      continue;
    }
    result[entry.key.text] = entry.value.text;
  }
  return result;
}

/** Reads a string or a list of strings (`dependsOn`, `demands`) with each item's location. */
export function readStringList(node: YamlNode | undefined, key: string, context: NormalizeContext): Located<string>[] {
  if (node === undefined) return [];
  if (node.kind === 'scalar') return node.tag === 'null' || node.text === '' ? [] : [{ value: node.text, location: node.location }];
  if (node.kind === 'mapping') return [];

  const items: Located<string>[] = [];
  for (const item of node.items) {
    if (item.kind !== 'scalar') {
      context.error('PIPE002', `each item of "${key}" must be a string, but one is ${describeShape(item)}`, item.location,
        `Write each item of "${key}" as a plain string.`);
      continue;
    }
    items.push({ value: item.text, location: item.location });
  }
  return items;
}

/**
 * Reads a `condition:` and checks its syntax with the expression parser, so a
 * typo is reported at load time instead of when the step would run.
 */
export function readCondition(node: YamlNode | undefined, context: NormalizeContext): Located<string> | undefined {
  const condition = locatedText(node);
  if (!condition || condition.value.trim() === '') return undefined;
  if (containsTemplateExpression(node)) return condition;

  const { diagnostics } = parseExpression(condition.value, { location: conditionStart(node as YamlScalar) });
  context.bag.addAll(diagnostics);
  return condition;
}

/**
 * Returns where the condition text starts, so expression errors point at the right column.
 * NOTE: for block scalars and multi-line quoted conditions the column is only approximate.
 */
function conditionStart(node: YamlScalar): SourceLocation {
  const location = node.location;
  if (node.style === 'single-quoted' || node.style === 'double-quoted') {
    return { ...location, column: location.column + 1 };
  }
  return location;
}

/** Converts a YAML node into plain data for fields kept as written (trigger, pr, schedules, defaults). */
export function toPlainData(node: YamlNode): unknown {
  if (node.kind === 'scalar') {
    if (node.tag === 'null') return null;
    if (node.tag === 'bool') return TRUE_WORDS.has(node.text.toLowerCase());
    if (node.tag === 'int' || node.tag === 'float') return Number(node.text);
    return node.text;
  }
  if (node.kind === 'sequence') return node.items.map(toPlainData);

  const result: Record<string, unknown> = {};
  for (const entry of node.entries) result[entry.key.text] = toPlainData(entry.value);
  return result;
}

/** Returns the valid key closest to `key` by edit distance, if it is close enough to be a likely typo. */
export function nearestKey(key: string, candidates: string[]): string | undefined {
  const lowered = key.toLowerCase();
  const caseMatch = candidates.find((candidate) => candidate.toLowerCase() === lowered);
  if (caseMatch) return caseMatch;

  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(key.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const current = [i];
    for (let j = 1; j <= b.length; j += 1) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
    }
    previous = current;
  }
  return previous[b.length];
}
