import type { Diagnostic } from '../language/diagnostic.js';
import { asValueNode } from './parse-ci-trigger.js';
import { readIncludeExclude, readPatternList } from './read-filter-lists.js';
import type { PrTrigger } from './trigger-filters.js';
import { describeNode, readBooleanSetting, readMappingKeys, TriggerDiagnostics, type ValueNode } from './trigger-value-node.js';

const PR_TRIGGER_KEYS = ['autoCancel', 'branches', 'paths', 'drafts'] as const;

/**
 * Parses the root `pr` value into typed filters, following
 * learn.microsoft.com/azure/devops/pipelines/yaml-schema/pr: absent means PRs
 * into any branch, `none` disables PR runs, a list names target branches, and
 * the mapping adds `autoCancel` and `drafts` (both default true) and `paths`.
 */
export function parsePrTrigger(value: ValueNode | unknown): { trigger: PrTrigger; diagnostics: Diagnostic[] } {
  const diagnostics = new TriggerDiagnostics();
  if (value === undefined) return { trigger: impliedPrTrigger(), diagnostics: diagnostics.items };

  return { trigger: readPrTrigger(asValueNode(value), diagnostics), diagnostics: diagnostics.items };
}

/** Returns the default for a file without a `pr` key, as if `branches: include: ['*']`. */
export function impliedPrTrigger(): PrTrigger {
  return { kind: 'filters', implicit: true, autoCancel: true, drafts: true, branches: { include: ['*'], exclude: [] } };
}

function readPrTrigger(node: ValueNode, diagnostics: TriggerDiagnostics): PrTrigger {
  if (node.kind === 'scalar') {
    const word = node.text.toLowerCase();
    if (node.tag === 'null') return impliedPrTrigger();
    if (word === 'none' || (node.tag === 'bool' && word === 'false')) return { kind: 'none', location: node.location };
    if (node.tag === 'bool' && word === 'true') return { ...impliedPrTrigger(), location: node.location };
    diagnostics.error('TRG001', `"pr" must be "none", a list of branches or a mapping, but it is ${describeNode(node)}`,
      node.location, `To validate PRs into one branch, write it as a list item: "pr:" then "- ${node.text}".`);
    return impliedPrTrigger();
  }

  if (node.kind === 'sequence') {
    const include = readPatternList(node, 'pr', diagnostics);
    return { kind: 'filters', implicit: false, autoCancel: true, drafts: true, branches: { include, exclude: [] }, location: node.location };
  }

  const keys = readMappingKeys(node, PR_TRIGGER_KEYS, 'pr', diagnostics);
  const branches = keys.get('branches');
  const paths = keys.get('paths');
  return {
    kind: 'filters',
    implicit: false,
    autoCancel: readBooleanSetting(keys.get('autoCancel'), 'autoCancel', true, diagnostics),
    drafts: readBooleanSetting(keys.get('drafts'), 'drafts', true, diagnostics),
    // A `pr` mapping without `branches` still validates PRs into every branch.
    branches: branches ? readIncludeExclude(branches, 'pr.branches', diagnostics) : { include: ['*'], exclude: [] },
    paths: paths ? readIncludeExclude(paths, 'pr.paths', diagnostics) : undefined,
    location: node.location,
  };
}
