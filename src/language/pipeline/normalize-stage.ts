import type { YamlNode } from '../yaml/yaml-node.js';
import { STAGE_KEYS } from './key-tables.js';
import { checkIdentifier, checkUniqueNames } from './name-rules.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizeJob } from './normalize-job.js';
import { normalizePool } from './normalize-pool.js';
import { normalizeVariables } from './normalize-variables.js';
import {
  checkKeys,
  describeShape,
  entryValue,
  optionalBoolean,
  optionalData,
  readChoice,
  readCondition,
  readStringList,
  scalarText,
} from './node-reader.js';
import type { JobDefinition, StageDefinition } from './pipeline-model.js';
import { isTemplateReference } from './template-syntax.js';

/**
 * Name of the stage Azure Pipelines creates for the `jobs:` and `steps:` shapes;
 * it shows up in `stageDependencies` and in the run's timeline.
 */
export const IMPLICIT_STAGE_NAME = '__default';

/**
 * Base name of jobs without a name: the job of the `steps:` shape and anonymous
 * `- job:` items are named `Job`, `Job1`, `Job2`, … in order.
 * NOTE: Azure's numbering of several anonymous jobs in one stage is inferred
 * from its run timelines, not from documentation.
 */
export const DEFAULT_JOB_NAME = 'Job';

/** Normalises one `- stage:` item. */
export function normalizeStage(item: YamlNode, context: NormalizeContext): StageDefinition | undefined {
  if (item.kind !== 'mapping') {
    context.error('PIPE002', `each stage must be a mapping, but one is ${describeShape(item)}`, item.location,
      'Start each stage with "- stage: Name".');
    return undefined;
  }

  const nameNode = entryValue(item, 'stage');
  const name = scalarText(nameNode) ?? '';
  if (nameNode === undefined) {
    context.error('PIPE003', 'the stage has no "stage" key', item.location, 'Start the stage with "- stage: Name".');
  } else if (name !== '') {
    checkIdentifier(name, 'stage', nameNode.location, context);
  }
  checkKeys(item, STAGE_KEYS, `stage "${name}"`, context);

  const dependsOnNode = entryValue(item, 'dependsOn');
  return {
    name,
    displayName: scalarText(entryValue(item, 'displayName')),
    dependsOn: dependsOnNode === undefined ? undefined : readStringList(dependsOnNode, 'dependsOn', context),
    condition: readCondition(entryValue(item, 'condition'), context),
    variables: normalizeVariables(entryValue(item, 'variables'), context),
    pool: normalizePool(entryValue(item, 'pool'), context),
    jobs: normalizeJobList(entryValue(item, 'jobs'), `stage "${name}"`, context),
    lockBehavior: readChoice(entryValue(item, 'lockBehavior'), 'lockBehavior', ['sequential', 'runLatest'] as const, context),
    trigger: readChoice(entryValue(item, 'trigger'), 'trigger', ['manual', 'automatic'] as const, context),
    isSkippable: optionalBoolean(entryValue(item, 'isSkippable'), 'isSkippable', context),
    templateContext: optionalData(entryValue(item, 'templateContext')),
    implicit: false,
    location: item.location,
  };
}

/**
 * Normalises a `jobs:` list: names anonymous jobs `Job`, `Job1`, … and reports
 * job names used twice in the stage.
 */
export function normalizeJobList(node: YamlNode | undefined, owner: string, context: NormalizeContext): JobDefinition[] {
  if (node?.kind !== 'sequence') return [];

  const jobs: JobDefinition[] = [];
  for (const item of node.items) {
    if (isTemplateReference(item)) continue;
    const job = normalizeJob(item, context);
    if (job) jobs.push(job);
  }

  nameAnonymousJobs(jobs);
  checkUniqueNames(jobs.map((job) => ({ name: job.name, location: job.location })), 'job', owner, 'PIPE008', context);
  return jobs;
}

/** Gives every job without a name the next free name of `Job`, `Job1`, `Job2`, …. */
export function nameAnonymousJobs(jobs: JobDefinition[]): void {
  const taken = new Set(jobs.map((job) => job.name.toLowerCase()).filter((name) => name !== ''));
  let counter = 0;

  for (const job of jobs) {
    if (job.name !== '') continue;
    let candidate = counter === 0 ? DEFAULT_JOB_NAME : `${DEFAULT_JOB_NAME}${counter}`;
    while (taken.has(candidate.toLowerCase())) {
      counter += 1;
      candidate = `${DEFAULT_JOB_NAME}${counter}`;
    }
    counter += 1;
    taken.add(candidate.toLowerCase());
    job.name = candidate;
  }
}
