import type { Diagnostic } from '../language/diagnostic.js';
import type { SourceLocation } from '../language/source-location.js';
import type { ScalarTag } from '../language/yaml/yaml-node.js';
import type { TriggerErrorCode } from './trigger-error-codes.js';

/**
 * The shape the trigger parsers read: a YamlNode when the caller has the
 * located tree, or the plain value that `PipelineDefinition.trigger`, `.pr` and
 * `.schedules` keep, converted by `toValueNode`. A YamlNode is assignable to it;
 * nodes built from plain values have no location, so their diagnostics carry none.
 */
export type ValueNode = ValueScalar | ValueMapping | ValueSequence;

export interface ValueScalar {
  kind: 'scalar';
  text: string;
  tag: ScalarTag;
  location?: SourceLocation;
}

export interface ValueMapping {
  kind: 'mapping';
  entries: { key: ValueScalar; value: ValueNode }[];
  location?: SourceLocation;
}

export interface ValueSequence {
  kind: 'sequence';
  items: ValueNode[];
  location?: SourceLocation;
}

/** Converts a plain value (as `toPlainData` produces it) into a location-less ValueNode. */
export function toValueNode(value: unknown): ValueNode {
  if (value === null || value === undefined) return { kind: 'scalar', text: '', tag: 'null' };
  if (typeof value === 'boolean') return { kind: 'scalar', text: String(value), tag: 'bool' };
  if (typeof value === 'number') return { kind: 'scalar', text: String(value), tag: Number.isInteger(value) ? 'int' : 'float' };
  if (typeof value === 'string') return { kind: 'scalar', text: value, tag: 'str' };
  if (Array.isArray(value)) return { kind: 'sequence', items: value.map(toValueNode) };
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([key, item]) => ({
      key: { kind: 'scalar' as const, text: key, tag: 'str' as const },
      value: toValueNode(item),
    }));
    return { kind: 'mapping', entries };
  }
  return { kind: 'scalar', text: String(value), tag: 'str' };
}

/** Collects trigger diagnostics; `error` keeps the signature short at call sites. */
export class TriggerDiagnostics {
  readonly items: Diagnostic[] = [];

  error(code: TriggerErrorCode, message: string, location: SourceLocation | undefined, hint?: string): void {
    this.items.push({ code, severity: 'error', message, location, hint });
  }
}

// YAML-typed booleans accept these words case-insensitively
// (learn.microsoft.com/azure/devops/pipelines/yaml-schema/boolean).
const TRUE_WORDS = new Set(['true', 'y', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', 'n', 'no', 'off']);

/** Describes a node's kind for messages: "a list", "a mapping", "the number 3". */
export function describeNode(node: ValueNode): string {
  if (node.kind === 'sequence') return 'a list';
  if (node.kind === 'mapping') return 'a mapping';
  if (node.tag === 'null') return 'an empty value';
  return `"${node.text}"`;
}

/**
 * Reads a boolean setting such as `batch` or `drafts`. Reports TRG004 and
 * returns `fallback` when the value is not one of Azure's boolean words.
 */
export function readBooleanSetting(node: ValueNode | undefined, key: string, fallback: boolean, diagnostics: TriggerDiagnostics): boolean {
  if (node === undefined) return fallback;
  if (node.kind === 'scalar') {
    const word = node.text.toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
  }
  diagnostics.error('TRG004', `"${key}" must be true or false, but it is ${describeNode(node)}`, node.location,
    `Write "${key}: true" or "${key}: false".`);
  return fallback;
}

/**
 * Reports every key of `mapping` that is not in `allowed` (TRG002) and returns
 * the values of the allowed keys by name.
 */
export function readMappingKeys(
  mapping: ValueMapping,
  allowed: readonly string[],
  where: string,
  diagnostics: TriggerDiagnostics,
): Map<string, ValueNode> {
  const values = new Map<string, ValueNode>();
  for (const entry of mapping.entries) {
    if (!allowed.includes(entry.key.text)) {
      diagnostics.error('TRG002', `"${entry.key.text}" is not a valid key in ${where}`, entry.key.location,
        `Use only ${allowed.map((key) => `"${key}"`).join(', ')}.`);
      continue;
    }
    values.set(entry.key.text, entry.value);
  }
  return values;
}
