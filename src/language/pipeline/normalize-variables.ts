import type { YamlMapping, YamlNode, YamlScalar } from '../yaml/yaml-node.js';
import { GROUP_ITEM_KEYS, VARIABLE_ITEM_KEYS } from './key-tables.js';
import type { NormalizeContext } from './normalize-context.js';
import { checkKeys, describeShape, entryValue, readBoolean } from './node-reader.js';
import type { VariableDefinition } from './pipeline-model.js';
import type { SourceLocation } from '../source-location.js';
import { isTemplateExpressionKey, isTemplateReference } from './template-syntax.js';

/** Variable names: letters, digits, `.` and `_` (learn.microsoft.com …/process/variables, "Variable naming restrictions"). */
const VARIABLE_NAME = /^[A-Za-z0-9._]+$/;

/**
 * Prefixes the system reserves; such variables are not passed to tasks or
 * scripts (learn.microsoft.com …/process/variables, "Variable naming restrictions").
 */
export const RESERVED_VARIABLE_PREFIXES = ['endpoint', 'input', 'secret', 'path', 'securefile'] as const;

/**
 * Normalises a `variables:` block in either form: the mapping form
 * (`name: value`) or the list form (`- name:`/`value:`, `- group:`). Every
 * value becomes a string as written, because Azure treats variables as strings.
 */
export function normalizeVariables(node: YamlNode | undefined, context: NormalizeContext): VariableDefinition[] {
  if (node === undefined) return [];
  if (node.kind === 'mapping') return normalizeMappingForm(node, context);
  if (node.kind === 'sequence') return normalizeListForm(node.items, context);
  return [];
}

/**
 * Returns where the expression inside a one-line `$[ … ]` value starts: past the
 * opening quote of a quoted scalar, its leading blanks and `$[`. A block scalar
 * or a value without `$[` gets nothing, so its errors point at the variable.
 */
function expressionStart(value: YamlScalar): { expressionLocation?: SourceLocation } {
  const { location } = value;
  if (value.style === 'literal' || value.style === 'folded') return {};
  if (location.endLine !== undefined && location.endLine !== location.line) return {};
  const trimmed = value.text.trimStart();
  if (!trimmed.startsWith('$[')) return {};
  const quote = value.style === 'plain' ? 0 : 1;
  const offset = quote + (value.text.length - trimmed.length) + 2;
  return { expressionLocation: { file: location.file, line: location.line, column: location.column + offset } };
}

function normalizeMappingForm(mapping: YamlMapping, context: NormalizeContext): VariableDefinition[] {
  const variables: VariableDefinition[] = [];

  for (const { key, value } of mapping.entries) {
    if (isTemplateExpressionKey(key.text)) continue;
    if (!checkVariableName(key, context)) continue;

    if (value.kind !== 'scalar') {
      context.error('PIPE002', `variable "${key.text}" must have a string value, but has ${describeShape(value)}`,
        value.location, 'Variables are strings; use a runtime parameter for lists or objects.');
      continue;
    }
    variables.push({ kind: 'variable', name: key.text, value: value.text, readonly: false, location: key.location, ...expressionStart(value) });
  }
  return variables;
}

function normalizeListForm(items: YamlNode[], context: NormalizeContext): VariableDefinition[] {
  const variables: VariableDefinition[] = [];

  for (const item of items) {
    if (isTemplateReference(item)) continue;
    if (item.kind !== 'mapping') {
      context.error('PIPE002', `each item of "variables" must be a mapping, but one is ${describeShape(item)}`,
        item.location, 'Write "- name: x" with "value: y" on the next line, or "- group: name".');
      continue;
    }

    const group = entryValue(item, 'group');
    if (group !== undefined) {
      checkKeys(item, GROUP_ITEM_KEYS, 'a variable group item', context);
      if (group.kind === 'scalar') variables.push({ kind: 'group', name: group.text, location: item.location });
      continue;
    }

    const name = entryValue(item, 'name');
    if (name === undefined) {
      reportMixedForms(item, context);
      continue;
    }

    checkKeys(item, VARIABLE_ITEM_KEYS, `variable "${name.kind === 'scalar' ? name.text : ''}"`, context);
    if (name.kind !== 'scalar' || !checkVariableName(name, context)) continue;

    const value = entryValue(item, 'value');
    const readonly = readBoolean(entryValue(item, 'readonly'), 'readonly', false, context);
    const text = value?.kind === 'scalar' ? value.text : '';
    variables.push({ kind: 'variable', name: name.text, value: text, readonly, location: name.location, ...(value?.kind === 'scalar' ? expressionStart(value) : {}) });
  }
  return variables;
}

/** Reports a list item such as `- foo: bar`, which is the mapping form written inside the list form. */
function reportMixedForms(item: YamlMapping, context: NormalizeContext): void {
  const first = item.entries.find((entry) => !isTemplateExpressionKey(entry.key.text));
  if (!first) return;

  context.error('PIPE011',
    `"variables" mixes the list form with the mapping form: the item "${first.key.text}" has no "name", "group" or "template" key`,
    first.key.location,
    `Write the item as "- name: ${first.key.text}" with "value:" on the next line, or turn the whole block into the mapping form.`);
}

function checkVariableName(name: YamlScalar, context: NormalizeContext): boolean {
  // NOTE: Azure Pipelines accepts names such as "sas-url" in practice although its documentation
  // allows only letters, digits, "." and "_", so this is a warning and the variable is kept.
  if (!VARIABLE_NAME.test(name.text)) {
    context.warning('PIPE013', `variable name "${name.text}" breaks the documented rule: only letters, digits, "." and "_"`,
      name.location, 'Rename the variable, for example by replacing "-" and spaces with "_".');
  }

  const lowered = name.text.toLowerCase();
  const prefix = RESERVED_VARIABLE_PREFIXES.find((reserved) => lowered.startsWith(reserved));
  if (prefix) {
    context.error('PIPE012', `variable name "${name.text}" starts with the reserved prefix "${prefix}"`, name.location,
      `Azure Pipelines reserves names starting with ${RESERVED_VARIABLE_PREFIXES.join(', ')}; choose another name.`);
    return false;
  }
  return true;
}
