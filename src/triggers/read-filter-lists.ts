import type { PathFilter } from './path-filter.js';
import type { RefFilter } from './ref-filter.js';
import { describeNode, readMappingKeys, type TriggerDiagnostics, type ValueNode } from './trigger-value-node.js';

// learn.microsoft.com/azure/devops/pipelines/repos/azure-repos-git#branches:
// variables are evaluated at runtime, after the trigger has fired, so a
// trigger cannot use them; template expressions are not expanded there either.
const EXPRESSION_MARKERS = ['$(', '$[', '${{'];

/**
 * Reads a list of patterns (`- main`, `- releases/*`). Reports TRG001 for a
 * value that is not a list of strings and TRG003 for an empty pattern or one
 * that uses a variable. The valid items are still returned.
 */
export function readPatternList(node: ValueNode, where: string, diagnostics: TriggerDiagnostics): string[] {
  if (node.kind === 'scalar' && node.tag === 'null') return [];
  if (node.kind !== 'sequence') {
    diagnostics.error('TRG001', `${where} must be a list of names, but it is ${describeNode(node)}`, node.location,
      `Write each name on its own line starting with "- ".`);
    return [];
  }

  const patterns: string[] = [];
  for (const item of node.items) {
    if (item.kind !== 'scalar' || item.tag === 'null') {
      diagnostics.error('TRG001', `each item of ${where} must be a name, but one is ${describeNode(item)}`, item.location,
        'Write the name as a plain or quoted string.');
      continue;
    }
    const pattern = item.text.trim();
    if (pattern === '') {
      diagnostics.error('TRG003', `${where} contains an empty name`, item.location, 'Remove the empty item or write a name.');
      continue;
    }
    if (EXPRESSION_MARKERS.some((marker) => pattern.includes(marker))) {
      diagnostics.error('TRG003', `"${pattern}" in ${where} uses a variable or expression, which triggers cannot use`,
        item.location, 'Triggers are evaluated before any variable exists; write the branch, tag or path literally.');
      continue;
    }
    patterns.push(pattern);
  }
  return patterns;
}

/**
 * Reads an `{ include, exclude }` mapping (the YAML schema's
 * includeExcludeFilters). A missing list is returned empty.
 */
export function readIncludeExclude(node: ValueNode, where: string, diagnostics: TriggerDiagnostics): RefFilter | PathFilter {
  if (node.kind === 'scalar' && node.tag === 'null') return { include: [], exclude: [] };
  if (node.kind !== 'mapping') {
    diagnostics.error('TRG001', `${where} must be a mapping with "include" and "exclude" lists, but it is ${describeNode(node)}`,
      node.location, `Write "${where.split('.').pop()}:" followed by "include:" and/or "exclude:" lists.`);
    return { include: [], exclude: [] };
  }

  const keys = readMappingKeys(node, ['include', 'exclude'], where, diagnostics);
  const include = keys.get('include');
  const exclude = keys.get('exclude');
  return {
    include: include ? readPatternList(include, `${where}.include`, diagnostics) : [],
    exclude: exclude ? readPatternList(exclude, `${where}.exclude`, diagnostics) : [],
  };
}
