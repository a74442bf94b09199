import type { SourceLocation } from '../source-location.js';

/**
 * The YAML tree that the language layer works on: every node keeps its location,
 * so template expansion, normalisation and validation can point at the exact
 * line and column. Aliases are already expanded (within a budget) when a tree
 * is built, so the tree has no cycles.
 */
export type YamlNode = YamlScalar | YamlMapping | YamlSequence;

/**
 * How a plain scalar resolves under the YAML 1.2 core schema. Quoted and block
 * scalars are always `str`. `text` keeps what was written, so `3.10` stays
 * `3.10` even though it resolves to a float.
 */
export type ScalarTag = 'str' | 'bool' | 'int' | 'float' | 'null';

export interface YamlScalar {
  kind: 'scalar';
  /** The decoded text of the scalar (quotes and escapes removed). */
  text: string;
  tag: ScalarTag;
  style: 'plain' | 'single-quoted' | 'double-quoted' | 'literal' | 'folded';
  location: SourceLocation;
}

export interface YamlMappingEntry {
  /** Keys are scalars in pipelines; a complex key (`? ${{ if }}`) becomes its scalar text. */
  key: YamlScalar;
  value: YamlNode;
}

export interface YamlMapping {
  kind: 'mapping';
  entries: YamlMappingEntry[];
  location: SourceLocation;
}

export interface YamlSequence {
  kind: 'sequence';
  items: YamlNode[];
  location: SourceLocation;
}

/** Returns the entry whose key equals `key` exactly (YAML keys are case-sensitive). */
export function findEntry(mapping: YamlMapping, key: string): YamlMappingEntry | undefined {
  return mapping.entries.find((entry) => entry.key.text === key);
}
