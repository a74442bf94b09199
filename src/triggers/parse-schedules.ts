import type { Diagnostic } from '../language/diagnostic.js';
import { parseCronExpression } from './cron-expression.js';
import { asValueNode } from './parse-ci-trigger.js';
import { readIncludeExclude } from './read-filter-lists.js';
import type { ScheduleTrigger } from './trigger-filters.js';
import { describeNode, readBooleanSetting, readMappingKeys, TriggerDiagnostics, type ValueNode } from './trigger-value-node.js';

const SCHEDULE_KEYS = ['cron', 'displayName', 'branches', 'batch', 'always'] as const;

/**
 * Parses the root `schedules` list
 * (learn.microsoft.com/azure/devops/pipelines/yaml-schema/schedules-cron).
 * Absent or empty means no scheduled runs. An entry with a bad cron expression
 * is reported and left out; the other entries are still returned.
 */
export function parseSchedules(value: ValueNode | unknown): { schedules: ScheduleTrigger[]; diagnostics: Diagnostic[] } {
  const diagnostics = new TriggerDiagnostics();
  if (value === undefined) return { schedules: [], diagnostics: diagnostics.items };

  const node = asValueNode(value);
  if (node.kind === 'scalar' && node.tag === 'null') return { schedules: [], diagnostics: diagnostics.items };
  if (node.kind !== 'sequence') {
    diagnostics.error('TRG001', `"schedules" must be a list of schedules, but it is ${describeNode(node)}`, node.location,
      'Write each schedule as a list item starting with "- cron:".');
    return { schedules: [], diagnostics: diagnostics.items };
  }

  const schedules: ScheduleTrigger[] = [];
  for (const item of node.items) {
    const schedule = readSchedule(item, diagnostics);
    if (schedule) schedules.push(schedule);
  }
  return { schedules, diagnostics: diagnostics.items };
}

function readSchedule(node: ValueNode, diagnostics: TriggerDiagnostics): ScheduleTrigger | undefined {
  if (node.kind !== 'mapping') {
    diagnostics.error('TRG001', `each schedule must be a mapping with a "cron" key, but one is ${describeNode(node)}`, node.location,
      'Write the schedule as "- cron: \'0 3 * * *\'" with its other settings indented below.');
    return undefined;
  }

  const keys = readMappingKeys(node, SCHEDULE_KEYS, 'a schedule', diagnostics);
  const cronNode = keys.get('cron');
  const branches = keys.get('branches');
  const displayName = keys.get('displayName');
  const batch = readBooleanSetting(keys.get('batch'), 'batch', false, diagnostics);
  const always = readBooleanSetting(keys.get('always'), 'always', false, diagnostics);
  const branchFilter = branches ? readIncludeExclude(branches, 'schedules.branches', diagnostics) : undefined;

  if (cronNode === undefined || cronNode.kind !== 'scalar' || cronNode.tag === 'null') {
    diagnostics.error('TRG005', 'a schedule has no "cron" expression', cronNode?.location ?? node.location,
      'Add "cron:" with five fields in UTC, for example "cron: \'0 3 * * *\'" for 03:00 every day.');
    return undefined;
  }
  const quoted = 'style' in cronNode && (cronNode.style === 'single-quoted' || cronNode.style === 'double-quoted');
  const cron = parseCronExpression(cronNode.text, cronNode.location, diagnostics, quoted);
  if (cron === undefined) return undefined;

  return {
    cron,
    displayName: displayName?.kind === 'scalar' && displayName.tag !== 'null' ? displayName.text : undefined,
    branches: branchFilter,
    batch,
    always,
    location: node.location,
  };
}
