import type { ExpressionObject } from '../expressions/expression-context.js';
import type { YamlNode } from '../yaml/yaml-node.js';
import { findEntry } from '../yaml/yaml-node.js';

/**
 * Reads the statically defined variables of an expanded `variables:` value,
 * in the mapping form (`name: value`) or the list form (`- name:` + `value:`),
 * for `${{ variables.name }}` in the entries that follow it. Groups are
 * skipped, because their values are not known at compile time.
 */
export function variablesOf(node: YamlNode): ExpressionObject {
  const variables: ExpressionObject = {};

  if (node.kind === 'mapping') {
    for (const entry of node.entries) {
      if (entry.value.kind === 'scalar') variables[entry.key.text] = entry.value.text;
    }
    return variables;
  }

  if (node.kind !== 'sequence') return variables;
  for (const item of node.items) {
    if (item.kind !== 'mapping') continue;
    const name = findEntry(item, 'name')?.value;
    const value = findEntry(item, 'value')?.value;
    if (name?.kind === 'scalar' && value?.kind === 'scalar') variables[name.text] = value.text;
  }
  return variables;
}
