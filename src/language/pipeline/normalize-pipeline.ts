import type { Diagnostic } from '../diagnostic.js';
import type { YamlMapping, YamlNode } from '../yaml/yaml-node.js';
import { ROOT_JOB_KEYS, ROOT_KEYS } from './key-tables.js';
import { checkUniqueNames } from './name-rules.js';
import { NormalizeContext } from './normalize-context.js';
import { readJobSettings } from './normalize-job.js';
import { normalizePool } from './normalize-pool.js';
import { normalizeParameters, normalizeResources } from './normalize-resources.js';
import { DEFAULT_JOB_NAME, IMPLICIT_STAGE_NAME, normalizeJobList, normalizeStage } from './normalize-stage.js';
import { normalizeSteps } from './normalize-step.js';
import { normalizeStrategy } from './normalize-strategy.js';
import { normalizeVariables } from './normalize-variables.js';
import { checkKeys, entryValue, locatedText, readBoolean, readChoice, toPlainData } from './node-reader.js';
import type { JobDefinition, PipelineDefinition, StageDefinition } from './pipeline-model.js';
import { isTemplateReference } from './template-syntax.js';

const SHAPE_KEYS = ['stages', 'jobs', 'steps', 'extends', 'phases'] as const;

/**
 * Turns the YAML tree of a pipeline file into the normalised definition: any of
 * the four shapes (stages, jobs, steps, extends) becomes stages → jobs → steps.
 * Every problem is collected in one pass. `definition` is returned whenever the
 * top level is a mapping, even if some parts were reported as invalid.
 */
export function normalizePipeline(root: YamlNode, file: string): { definition?: PipelineDefinition; diagnostics: Diagnostic[] } {
  const context = new NormalizeContext(file);
  if (root.kind !== 'mapping') {
    const description = root.kind === 'scalar' && root.tag === 'null' ? 'empty' : `a ${root.kind === 'sequence' ? 'list' : 'single value'}`;
    context.error('PIPE018', `the pipeline file is ${description}, but its top level must be a mapping`, root.location,
      'Start the file with keys such as "trigger:", "pool:" and "steps:".');
    return { diagnostics: context.bag.items };
  }

  checkKeys(root, ROOT_KEYS, 'the pipeline', context);
  const shapes = root.entries.filter((entry) => (SHAPE_KEYS as readonly string[]).includes(entry.key.text));
  // A key written twice is the YAML loader's duplicate-key error (YAML003), not a second shape.
  const second = shapes.find((entry) => entry.key.text !== shapes[0]?.key.text);
  if (second !== undefined) {
    context.error('PIPE004', `"${second.key.text}" cannot be used together with "${shapes[0]!.key.text}" at the top level`,
      second.key.location, 'A pipeline has one of stages, jobs, steps or extends; nest the others inside it.');
  }
  if (shapes.length > 0 && shapes[0].key.text !== 'steps') reportMisplacedJobKeys(root, shapes[0].key.text, context);
  if (shapes.length === 0) {
    context.error('PIPE022', 'the pipeline has no "stages", "jobs", "steps" or "extends"', root.location,
      'Add "steps:" with at least one step, for example "- script: echo hello".');
  }

  const definition: PipelineDefinition = {
    file,
    name: locatedText(entryValue(root, 'name')),
    appendCommitMessageToRunName: readBoolean(entryValue(root, 'appendCommitMessageToRunName'), 'appendCommitMessageToRunName', true, context),
    variables: normalizeVariables(entryValue(root, 'variables'), context),
    pool: normalizePool(entryValue(root, 'pool') ?? entryValue(root, 'queue') ?? entryValue(root, 'server'), context, entryValue(root, 'pool') === undefined && entryValue(root, 'queue') !== undefined),
    stages: readStages(root, shapes[0]?.key.text, context),
    trigger: plain(entryValue(root, 'trigger')),
    pr: plain(entryValue(root, 'pr')),
    schedules: plain(entryValue(root, 'schedules')),
    resources: normalizeResources(entryValue(root, 'resources'), context),
    parameters: normalizeParameters(entryValue(root, 'parameters'), context),
    location: root.location,
  };
  const lockBehavior = readChoice(entryValue(root, 'lockBehavior'), 'lockBehavior', ['sequential', 'runLatest'] as const, context);
  if (lockBehavior) for (const stage of definition.stages) stage.lockBehavior ??= lockBehavior;

  return { definition, diagnostics: context.bag.items };
}

/** Job keys at the root configure the implicit job, so they mean nothing beside `stages` or `jobs`. */
function reportMisplacedJobKeys(root: YamlMapping, shape: string, context: NormalizeContext): void {
  for (const { key } of root.entries) {
    if (key.text === 'steps' || !(ROOT_JOB_KEYS as readonly string[]).includes(key.text)) continue;
    context.error('PIPE004', `"${key.text}" at the top level applies only to a pipeline with "steps", not with "${shape}"`,
      key.location, `Move "${key.text}" into each job that needs it.`);
  }
}

function plain(node: YamlNode | undefined): unknown {
  return node === undefined ? undefined : toPlainData(node);
}

function readStages(root: YamlMapping, shape: string | undefined, context: NormalizeContext): StageDefinition[] {
  if (shape === 'stages') {
    const node = entryValue(root, 'stages');
    if (node?.kind !== 'sequence') return [];

    const stages: StageDefinition[] = [];
    for (const item of node.items) {
      if (isTemplateReference(item)) continue;
      const stage = normalizeStage(item, context);
      if (stage) stages.push(stage);
    }
    checkUniqueNames(stages.filter((stage) => stage.name !== '').map((stage) => ({ name: stage.name, location: stage.location })),
      'stage', 'the pipeline', 'PIPE007', context);
    return stages;
  }

  if (shape === 'jobs' || shape === 'phases') {
    const jobs = normalizeJobList(entryValue(root, shape), 'the pipeline', context);
    return [implicitStage(jobs, root)];
  }

  if (shape === 'steps') return [implicitStage([implicitJob(root, context)], root)];
  return [];
}

function implicitStage(jobs: JobDefinition[], root: YamlMapping): StageDefinition {
  return { name: IMPLICIT_STAGE_NAME, variables: [], jobs, implicit: true, location: root.location };
}

/** Builds the job of the `steps` shape from the job keys written at the root. */
function implicitJob(root: YamlMapping, context: NormalizeContext): JobDefinition {
  const stepsEntry = root.entries.find((entry) => entry.key.text === 'steps')!;
  const settings = readJobSettings(root, context);

  return {
    kind: 'job',
    name: DEFAULT_JOB_NAME,
    dependsOn: [],
    ...settings,
    variables: [],
    strategy: normalizeStrategy(entryValue(root, 'strategy'), context),
    steps: normalizeSteps(stepsEntry.value, `job "${DEFAULT_JOB_NAME}"`, context),
    implicit: true,
    location: stepsEntry.key.location,
  };
}
