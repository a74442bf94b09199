import type { YamlNode } from '../yaml/yaml-node.js';

/*
 * Template expansion runs before normalisation, so the normalisers see no
 * `template:` items and no `${{ }}` except literal text that an escape such as
 * `${{ '${{' }}` produced. These guards keep the normalisers from judging such
 * text as if it were the final value of a key.
 */

/** True for a key written as a template expression, such as `${{ if eq(a, b) }}`. */
export function isTemplateExpressionKey(key: string): boolean {
  return key.trimStart().startsWith('${{');
}

/** True for a scalar that contains a template expression; its final value is known only after expansion. */
export function containsTemplateExpression(node: YamlNode | undefined): boolean {
  return node?.kind === 'scalar' && node.text.includes('${{');
}

/**
 * True for a list item that pulls in a template (`- template: path`) or inserts
 * items conditionally (`- ${{ if … }}:`).
 */
export function isTemplateReference(node: YamlNode): boolean {
  if (containsTemplateExpression(node)) return true;
  if (node.kind !== 'mapping') return false;
  return node.entries.some((entry) => entry.key.text === 'template' || isTemplateExpressionKey(entry.key.text));
}
