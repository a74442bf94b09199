import type { YamlMapping, YamlNode } from '../yaml/yaml-node.js';
import { STEP_COMMON_KEYS, STEP_TARGET_KEYS, STEP_TYPE_KEYS } from './key-tables.js';
import { checkStepName, checkUniqueNames } from './name-rules.js';
import type { NormalizeContext } from './normalize-context.js';
import {
  checkKeys,
  describeShape,
  entryValue,
  readBoolean,
  readChoice,
  readCondition,
  readInteger,
  readStringList,
  readStringMap,
  scalarText,
} from './node-reader.js';
import type { StepCommon, StepDefinition } from './pipeline-model.js';
import { isTemplateReference } from './template-syntax.js';

/** Step types Azure accepts that Sluice cannot run yet; they are reported, never skipped silently. */
const UNSUPPORTED_STEP_TYPES = ['downloadBuild', 'getPackage', 'reviewApp'];

/** `retryCountOnTaskFailure` maximum (learn.microsoft.com …/process/tasks, "Number of retries if task failed"). */
export const MAX_STEP_RETRIES = 10;

/** Minutes; Azure's documented ceiling for job timeouts (35,790) also bounds step timeouts here. */
export const MAX_TIMEOUT_MINUTES = 35_790;

/** Task references: `Name@Major`, `Name@Major.Minor.Patch`, or a GUID in place of the name. */
const TASK_REFERENCE = /^([A-Za-z0-9_.-]+|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})@([0-9]+(?:\.[0-9]+){0,2})$/;

/** Normalises a `steps:` list and checks that step names are unique within the job. */
export function normalizeSteps(node: YamlNode | undefined, owner: string, context: NormalizeContext): StepDefinition[] {
  if (node?.kind !== 'sequence') return [];

  const steps: StepDefinition[] = [];
  for (const item of node.items) {
    if (isTemplateReference(item)) continue;
    const step = normalizeStep(item, context);
    if (step) steps.push(step);
  }

  const named = steps.flatMap((step) => (step.name ? [{ name: step.name, location: step.location }] : []));
  checkUniqueNames(named, 'step', owner, 'PIPE009', context);
  return steps;
}

/** Normalises one step item; returns undefined when the item cannot become a step (already reported). */
export function normalizeStep(item: YamlNode, context: NormalizeContext): StepDefinition | undefined {
  if (item.kind !== 'mapping') {
    context.error('PIPE002', `each step must be a mapping, but one is ${describeShape(item)}`, item.location,
      'Start the step with its type, for example "- script: echo hello".');
    return undefined;
  }

  const typeKeys = item.entries.map((entry) => entry.key).filter((key) => key.text in STEP_TYPE_KEYS);
  if (typeKeys.length === 0) {
    context.error('PIPE020', 'the step has no type key', item.location,
      `Start the step with one of: ${Object.keys(STEP_TYPE_KEYS).join(', ')}, template.`);
    return undefined;
  }
  if (typeKeys.length > 1) {
    context.error('PIPE004', `a step can have only one type, but this one has "${typeKeys[0].text}" and "${typeKeys[1].text}"`,
      typeKeys[1].location, 'Split it into two steps.');
    return undefined;
  }

  const type = typeKeys[0];
  checkKeys(item, { ...STEP_COMMON_KEYS, ...STEP_TYPE_KEYS[type.text] }, `a "${type.text}" step`, context);
  if (UNSUPPORTED_STEP_TYPES.includes(type.text)) {
    context.error('PIPE015', `the "${type.text}" step is not supported yet`, type.location,
      type.text === 'reviewApp'
        ? 'Remove the step; Sluice has no review-app resources.'
        : 'Download the files with a script step (for example curl or a package manager) instead.');
    return undefined;
  }

  const common = readCommon(item, context);
  return readTypedStep(type.text, item, common, context);
}

function readCommon(item: YamlMapping, context: NormalizeContext): StepCommon {
  const name = scalarText(entryValue(item, 'name'));
  if (name !== undefined) checkStepName(name, entryValue(item, 'name')!.location, context);

  return {
    name: name || undefined,
    displayName: scalarText(entryValue(item, 'displayName')),
    condition: readCondition(entryValue(item, 'condition'), context),
    continueOnError: readBoolean(entryValue(item, 'continueOnError'), 'continueOnError', false, context),
    enabled: readBoolean(entryValue(item, 'enabled'), 'enabled', true, context),
    env: readStringMap(entryValue(item, 'env'), 'env', context),
    timeoutInMinutes: readInteger(entryValue(item, 'timeoutInMinutes'), 'timeoutInMinutes',
      { min: 0, max: MAX_TIMEOUT_MINUTES, fallback: 0 }, context),
    retryCountOnTaskFailure: readInteger(entryValue(item, 'retryCountOnTaskFailure'), 'retryCountOnTaskFailure',
      { min: 0, max: MAX_STEP_RETRIES, fallback: 0 }, context),
    target: readTarget(entryValue(item, 'target'), context),
    location: item.location,
  };
}

function readTarget(node: YamlNode | undefined, context: NormalizeContext): StepCommon['target'] {
  if (node === undefined) return undefined;
  if (node.kind === 'scalar') return node.tag === 'null' ? undefined : { container: node.text };
  if (node.kind !== 'mapping') return undefined;

  checkKeys(node, STEP_TARGET_KEYS, '"target"', context);
  const settable = entryValue(node, 'settableVariables');
  let settableVariables: 'none' | string[] | undefined;
  if (settable?.kind === 'scalar') settableVariables = readChoice(settable, 'settableVariables', ['none'] as const, context);
  if (settable?.kind === 'sequence') {
    settableVariables = readStringList(settable, 'settableVariables', context).map((name) => name.value);
  }

  return {
    container: scalarText(entryValue(node, 'container')) ?? 'host',
    commands: readChoice(entryValue(node, 'commands'), 'commands', ['any', 'restricted'] as const, context),
    settableVariables,
  };
}

function readTypedStep(type: string, item: YamlMapping, common: StepCommon, context: NormalizeContext): StepDefinition | undefined {
  const value = entryValue(item, type)!;
  const text = scalarText(value) ?? '';

  switch (type) {
    case 'script':
    case 'bash':
    case 'pwsh':
    case 'powershell':
      return {
        ...common,
        type,
        script: text,
        workingDirectory: scalarText(entryValue(item, 'workingDirectory')),
        failOnStderr: readBoolean(entryValue(item, 'failOnStderr'), 'failOnStderr', false, context),
        errorActionPreference: readChoice(entryValue(item, 'errorActionPreference'), 'errorActionPreference',
          ['stop', 'continue', 'silentlyContinue'] as const, context),
        ignoreLASTEXITCODE: entryValue(item, 'ignoreLASTEXITCODE') === undefined
          ? undefined
          : readBoolean(entryValue(item, 'ignoreLASTEXITCODE'), 'ignoreLASTEXITCODE', false, context),
      };
    case 'task':
      return readTaskStep(item, common, context);
    case 'checkout':
      return readCheckoutStep(item, text, common, context);
    case 'download':
      return {
        ...common,
        type: 'download',
        source: text,
        artifact: scalarText(entryValue(item, 'artifact')),
        patterns: scalarText(entryValue(item, 'patterns')),
      };
    case 'publish':
    case 'upload':
      return { ...common, type: 'publish', path: text, artifact: scalarText(entryValue(item, 'artifact')) };
    default:
      return undefined;
  }
}

function readTaskStep(item: YamlMapping, common: StepCommon, context: NormalizeContext): StepDefinition | undefined {
  const reference = entryValue(item, 'task')!;
  const text = scalarText(reference) ?? '';
  const match = TASK_REFERENCE.exec(text.trim());
  if (!match) {
    context.error('PIPE017', `invalid task reference "${text}": expected Name@Version, for example "Bash@3"`,
      reference.location, 'Add the major version after "@"; a GUID may replace the name.');
    return undefined;
  }

  const inputs = readStringMap(entryValue(item, 'inputs'), 'inputs', context);
  return { ...common, type: 'task', task: match[1], version: match[2], inputs };
}

function readCheckoutStep(item: YamlMapping, repository: string, common: StepCommon, context: NormalizeContext): StepDefinition {
  const submodulesNode = entryValue(item, 'submodules');
  let submodules: boolean | 'recursive' | undefined;
  if (submodulesNode?.kind === 'scalar' && submodulesNode.text.toLowerCase() === 'recursive') submodules = 'recursive';
  else if (submodulesNode !== undefined) submodules = readBoolean(submodulesNode, 'submodules', false, context);

  const optionalBoolean = (key: string): boolean | undefined => {
    const node = entryValue(item, key);
    return node === undefined ? undefined : readBoolean(node, key, false, context);
  };
  const depth = entryValue(item, 'fetchDepth');

  return {
    ...common,
    type: 'checkout',
    repository,
    clean: optionalBoolean('clean'),
    fetchDepth: depth === undefined ? undefined : readInteger(depth, 'fetchDepth', { min: 0, max: 2 ** 31 - 1, fallback: 0 }, context),
    fetchTags: optionalBoolean('fetchTags'),
    lfs: optionalBoolean('lfs'),
    submodules,
    path: scalarText(entryValue(item, 'path')),
    persistCredentials: optionalBoolean('persistCredentials'),
    fetchFilter: scalarText(entryValue(item, 'fetchFilter')),
    sparseCheckoutDirectories: scalarText(entryValue(item, 'sparseCheckoutDirectories')),
    sparseCheckoutPatterns: scalarText(entryValue(item, 'sparseCheckoutPatterns')),
    workspaceRepo: optionalBoolean('workspaceRepo'),
  };
}
