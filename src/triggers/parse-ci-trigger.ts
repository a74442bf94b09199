import type { Diagnostic } from '../language/diagnostic.js';
import { readIncludeExclude, readPatternList } from './read-filter-lists.js';
import type { CiTrigger } from './trigger-filters.js';
import { describeNode, readBooleanSetting, readMappingKeys, toValueNode, TriggerDiagnostics, type ValueNode } from './trigger-value-node.js';

const CI_TRIGGER_KEYS = ['batch', 'branches', 'paths', 'tags'] as const;

/**
 * Parses the root `trigger` value into typed filters. Accepts every form of
 * learn.microsoft.com/azure/devops/pipelines/yaml-schema/trigger: absent (the
 * implied trigger on all branches), `none`, a branch list, and the full mapping
 * with `batch`, `branches`, `paths` and `tags`. `true` and `false` are read as
 * the implied trigger and `none`. `value` is a located YamlNode or the plain
 * value kept in `PipelineDefinition.trigger`. Every problem is reported;
 * `trigger` is what could be read.
 */
export function parseCiTrigger(value: ValueNode | unknown): { trigger: CiTrigger; diagnostics: Diagnostic[] } {
  const diagnostics = new TriggerDiagnostics();
  if (value === undefined) return { trigger: impliedTrigger(), diagnostics: diagnostics.items };

  const node = asValueNode(value);
  return { trigger: readCiTrigger(node, diagnostics), diagnostics: diagnostics.items };
}

/** Returns the default for a file without a `trigger` key, as if `branches: include: ['*']`. */
export function impliedTrigger(): CiTrigger {
  return { kind: 'filters', implicit: true, batch: false, branches: { include: ['*'], exclude: [] } };
}

function readCiTrigger(node: ValueNode, diagnostics: TriggerDiagnostics): CiTrigger {
  if (node.kind === 'scalar') {
    const word = node.text.toLowerCase();
    if (node.tag === 'null') return impliedTrigger();
    if (word === 'none' || (node.tag === 'bool' && word === 'false')) return { kind: 'none', location: node.location };
    if (node.tag === 'bool' && word === 'true') return { ...impliedTrigger(), location: node.location };
    diagnostics.error('TRG001', `"trigger" must be "none", a list of branches or a mapping, but it is ${describeNode(node)}`,
      node.location, `To trigger on one branch, write it as a list item: "trigger:" then "- ${node.text}".`);
    return impliedTrigger();
  }

  if (node.kind === 'sequence') {
    const include = readPatternList(node, 'trigger', diagnostics);
    return { kind: 'filters', implicit: false, batch: false, branches: { include, exclude: [] }, location: node.location };
  }

  const keys = readMappingKeys(node, CI_TRIGGER_KEYS, 'trigger', diagnostics);
  const branches = keys.get('branches');
  const tags = keys.get('tags');
  const paths = keys.get('paths');
  return {
    kind: 'filters',
    implicit: false,
    batch: readBooleanSetting(keys.get('batch'), 'batch', false, diagnostics),
    branches: branches ? readIncludeExclude(branches, 'trigger.branches', diagnostics) : undefined,
    tags: tags ? readIncludeExclude(tags, 'trigger.tags', diagnostics) : undefined,
    paths: paths ? readIncludeExclude(paths, 'trigger.paths', diagnostics) : undefined,
    location: node.location,
  };
}

/** Returns a YamlNode unchanged and converts any other value, a plain value from the pipeline model, with `toValueNode`. */
export function asValueNode(value: unknown): ValueNode {
  if (isValueNode(value)) return value;
  return toValueNode(value);
}

function isValueNode(value: unknown): value is ValueNode {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const kind = (value as { kind?: unknown }).kind;
  if (kind === 'scalar') return typeof (value as { text?: unknown }).text === 'string' && typeof (value as { tag?: unknown }).tag === 'string';
  if (kind === 'mapping') return Array.isArray((value as { entries?: unknown }).entries);
  if (kind === 'sequence') return Array.isArray((value as { items?: unknown }).items);
  return false;
}
