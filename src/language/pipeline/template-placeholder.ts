import type { YamlNode } from '../yaml/yaml-node.js';
import type { NormalizeContext } from './normalize-context.js';

/*
 * Template expansion (`template:` items, `extends:` and `${{ }}` expressions)
 * will run between loadYaml and normalizePipeline. Until it exists, this file is
 * the one place that reports template use; remove it when expansion lands.
 */

const TEMPLATE_MESSAGE = 'templates are not expanded yet';
const TEMPLATE_HINT = 'Sluice cannot run pipelines that use templates yet; inline the template content to run this pipeline now.';

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

/**
 * Walks the whole tree once and reports every template reference and template
 * expression with PIPE014, so the normalisers can skip them without reporting.
 */
export function reportTemplateUse(root: YamlNode, context: NormalizeContext): void {
  const visit = (node: YamlNode, isListItem: boolean): void => {
    if (node.kind === 'scalar') {
      if (node.text.includes('${{')) {
        context.error('PIPE014', `${TEMPLATE_MESSAGE}: "${node.text}" is a template expression`, node.location, TEMPLATE_HINT);
      }
      return;
    }
    if (node.kind === 'sequence') {
      for (const item of node.items) visit(item, true);
      return;
    }

    for (const { key, value } of node.entries) {
      if (isTemplateExpressionKey(key.text)) {
        context.error('PIPE014', `${TEMPLATE_MESSAGE}: "${key.text}" is a template expression`, key.location, TEMPLATE_HINT);
        continue;
      }
      if ((key.text === 'template' && isListItem) || (key.text === 'extends' && node === root)) {
        context.error('PIPE014', `${TEMPLATE_MESSAGE}: "${key.text}" refers to a template`, key.location, TEMPLATE_HINT);
        continue;
      }
      visit(value, false);
    }
  };

  visit(root, false);
}
