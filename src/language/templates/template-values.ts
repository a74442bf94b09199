import {
  ExpressionDateTime,
  ExpressionVersion,
  type ExpressionObject,
  type ExpressionValue,
} from '../expressions/expression-context.js';
import { formatNumber } from '../expressions/type-conversion.js';
import type { SourceLocation } from '../source-location.js';
import type { YamlMapping, YamlNode, YamlScalar, YamlSequence } from '../yaml/yaml-node.js';

/**
 * Converts a YAML node to an expression value. Scalars keep the type the YAML
 * 1.2 core schema gives them, as Azure's template reader does: `true` is a
 * boolean, `3` a number, `null` or an empty value null, anything else a string.
 */
export function nodeToValue(node: YamlNode): ExpressionValue {
  if (node.kind === 'scalar') return scalarToValue(node);
  if (node.kind === 'sequence') return node.items.map(nodeToValue);

  const object: ExpressionObject = {};
  for (const entry of node.entries) object[entry.key.text] = nodeToValue(entry.value);
  return object;
}

/** Converts one scalar to a boolean, number, null or string by its tag. */
export function scalarToValue(scalar: YamlScalar): ExpressionValue {
  switch (scalar.tag) {
    case 'bool':
      return scalar.text.toLowerCase() === 'true';
    case 'null':
      return null;
    case 'int':
      return parseInteger(scalar.text);
    case 'float':
      return parseFloatText(scalar.text);
    default:
      return scalar.text;
  }
}

function parseInteger(text: string): number {
  if (/^0o/i.test(text)) return Number.parseInt(text.slice(2), 8);
  return Number(text);
}

function parseFloatText(text: string): number {
  const lowered = text.toLowerCase();
  if (lowered.endsWith('.inf')) return lowered.startsWith('-') ? -Infinity : Infinity;
  if (lowered === '.nan') return Number.NaN;
  return Number(text);
}

/**
 * Converts an expression value to a YAML node placed at `location`. Objects
 * become mappings and arrays sequences; versions and date-times become strings.
 */
export function valueToNode(value: ExpressionValue, location: SourceLocation): YamlNode {
  if (value === null) return { kind: 'scalar', text: '', tag: 'null', style: 'plain', location };
  // `True`/`False` is also the string form a variable gets (learn.microsoft.com …/process/expressions, "Type casting").
  if (typeof value === 'boolean') return { kind: 'scalar', text: value ? 'True' : 'False', tag: 'bool', style: 'plain', location };
  if (typeof value === 'number') {
    const tag = Number.isInteger(value) ? 'int' : 'float';
    return { kind: 'scalar', text: formatNumber(value), tag, style: 'plain', location };
  }
  if (typeof value === 'string') return stringNode(value, location);
  if (value instanceof ExpressionVersion || value instanceof ExpressionDateTime) return stringNode(value.toString(), location);

  if (Array.isArray(value)) {
    const sequence: YamlSequence = { kind: 'sequence', items: value.map((item) => valueToNode(item, location)), location };
    return sequence;
  }

  const mapping: YamlMapping = { kind: 'mapping', entries: [], location };
  for (const [key, item] of Object.entries(value)) {
    mapping.entries.push({ key: stringNode(key, location), value: valueToNode(item, location) });
  }
  return mapping;
}

/** Creates a string scalar; the style is chosen again when the tree is serialised. */
export function stringNode(text: string, location: SourceLocation): YamlScalar {
  return { kind: 'scalar', text, tag: 'str', style: text.includes('\n') ? 'literal' : 'plain', location };
}

/** Reports whether a node converts to the value, so the node can stand in for it. */
export function nodeMatchesValue(node: YamlNode, value: ExpressionValue): boolean {
  if (node.kind === 'mapping') return value !== null && typeof value === 'object' && !Array.isArray(value) && !isSpecial(value);
  if (node.kind === 'sequence') return Array.isArray(value);
  const own = scalarToValue(node);
  if (typeof own === 'number' && typeof value === 'number') return own === value || (Number.isNaN(own) && Number.isNaN(value));
  return own === value;
}

function isSpecial(value: object): boolean {
  return value instanceof ExpressionVersion || value instanceof ExpressionDateTime;
}

/** Counts the nodes of a tree, for the expansion budget. */
export function countNodes(node: YamlNode): number {
  if (node.kind === 'scalar') return 1;
  if (node.kind === 'sequence') return node.items.reduce((total, item) => total + countNodes(item), 1);
  return node.entries.reduce((total, entry) => total + 1 + countNodes(entry.value), 1);
}
