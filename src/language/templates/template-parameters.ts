import type { DiagnosticBag } from '../diagnostic.js';
import type { ExpressionValue } from '../expressions/expression-context.js';
import { castToNumber } from '../expressions/type-conversion.js';
import type { SourceLocation } from '../source-location.js';
import type { YamlMapping, YamlNode, YamlScalar } from '../yaml/yaml-node.js';
import { findEntry } from '../yaml/yaml-node.js';
import { nodeToValue, stringNode } from './template-values.js';

/**
 * Parameter types. The list is from learn.microsoft.com …/process/runtime-parameters
 * ("Parameter data types") plus the types the Azure Pipelines language server's
 * schema accepts (container, containerList, environment, filePath, pool,
 * secureFile, serviceConnection) and `legacyObject`, the untyped parameters of
 * the 2019 mapping syntax `parameters: {name: default}`.
 */
export const PARAMETER_TYPES = [
  'string',
  'number',
  'boolean',
  'object',
  'step',
  'stepList',
  'job',
  'jobList',
  'deployment',
  'deploymentList',
  'stage',
  'stageList',
  'stringList',
  'container',
  'containerList',
  'environment',
  'filePath',
  'pool',
  'secureFile',
  'serviceConnection',
  'legacyObject',
] as const;

/** A parameter type name. */
export type ParameterType = (typeof PARAMETER_TYPES)[number];

/** A declared parameter, read from a `parameters:` block. */
export interface ParameterDeclaration {
  name: string;
  type: ParameterType;
  default?: YamlNode;
  values?: YamlScalar[];
  location: SourceLocation;
}

/** The level of a `parameters:` block; pipeline-level parameters are runtime parameters. */
export type ParameterLevel = 'pipeline' | 'template';

/** Returns the list kind that `- template:` items inside a value of this type expand as. */
export function listKindOfType(type: ParameterType): 'steps' | 'jobs' | 'stages' | undefined {
  if (type === 'stepList' || type === 'step') return 'steps';
  if (type === 'jobList' || type === 'job' || type === 'deploymentList' || type === 'deployment') return 'jobs';
  if (type === 'stageList' || type === 'stage') return 'stages';
  return undefined;
}

/**
 * Reads a `parameters:` block: the list form (`- name:`, `type:`, `default:`,
 * `values:`) or the legacy mapping form `name: default` of the 2019 syntax
 * (learn.microsoft.com …/process/template-parameters). `relocate` adds the
 * include chain to each location.
 */
export function readParameterDeclarations(
  node: YamlNode | undefined,
  level: ParameterLevel,
  relocate: (location: SourceLocation) => SourceLocation,
  bag: DiagnosticBag,
): ParameterDeclaration[] {
  if (!node || (node.kind === 'scalar' && node.tag === 'null')) return [];

  if (node.kind === 'mapping') {
    return node.entries.map((entry) => ({
      name: entry.key.text,
      type: 'legacyObject' as const,
      default: entry.value,
      location: relocate(entry.key.location),
    }));
  }

  if (node.kind !== 'sequence') {
    bag.error('TPL014', '"parameters" must be a list of parameter declarations', relocate(node.location), 'Write each parameter as a list item with "name:" and "type:".');
    return [];
  }

  const declarations: ParameterDeclaration[] = [];
  const seen = new Set<string>();
  for (const item of node.items) {
    const declaration = readOneDeclaration(item, level, relocate, bag);
    if (!declaration) continue;
    if (seen.has(declaration.name.toLowerCase())) {
      bag.error('TPL014', `parameter "${declaration.name}" is declared twice`, declaration.location, 'Remove or rename one of the two declarations.');
      continue;
    }
    seen.add(declaration.name.toLowerCase());
    declarations.push(declaration);
  }
  return declarations;
}

/**
 * Reports whether a `parameters:` block uses the legacy mapping form. Such
 * templates accept parameters they do not declare, which real pipelines rely on.
 * NOTE: legacy values keep their YAML types (`true` is a boolean), as in
 * Azure's template reader; the language server calls the type legacyObject.
 */
export function isLegacyParameterBlock(node: YamlNode | undefined): boolean {
  return node?.kind === 'mapping';
}

const DECLARATION_KEYS = new Set(['name', 'displayName', 'type', 'default', 'values']);

function readOneDeclaration(
  item: YamlNode,
  level: ParameterLevel,
  relocate: (location: SourceLocation) => SourceLocation,
  bag: DiagnosticBag,
): ParameterDeclaration | undefined {
  if (item.kind !== 'mapping') {
    bag.error('TPL014', 'a parameter declaration must be a mapping with "name:" and "type:"', relocate(item.location), 'Write the parameter as "- name: x" followed by "type: string".');
    return undefined;
  }

  for (const entry of item.entries) {
    if (!DECLARATION_KEYS.has(entry.key.text)) {
      bag.error('TPL014', `unexpected key "${entry.key.text}" in a parameter declaration`, relocate(entry.key.location), `Use only ${[...DECLARATION_KEYS].join(', ')}.`);
    }
  }

  const name = findEntry(item, 'name')?.value;
  if (!name || name.kind !== 'scalar' || name.text.trim() === '') {
    bag.error('TPL014', 'a parameter declaration has no "name"', relocate(item.location), 'Add "name:" with the parameter name.');
    return undefined;
  }

  const type = readType(item, level, name.text, relocate, bag);
  const values = readValues(item, name.text, relocate, bag);
  const declaration: ParameterDeclaration = { name: name.text, type, location: relocate(name.location) };
  const defaultEntry = findEntry(item, 'default');
  if (defaultEntry) declaration.default = defaultEntry.value;
  if (values) declaration.values = values;
  return declaration;
}

function readType(
  item: YamlMapping,
  level: ParameterLevel,
  name: string,
  relocate: (location: SourceLocation) => SourceLocation,
  bag: DiagnosticBag,
): ParameterType {
  const node = findEntry(item, 'type')?.value;
  // A parameter with no type is a string (learn.microsoft.com …/process/template-parameters).
  if (!node) return 'string';

  const text = node.kind === 'scalar' ? node.text : '';
  const type = PARAMETER_TYPES.find((candidate) => candidate.toLowerCase() === text.toLowerCase());
  if (!type || type === 'legacyObject') {
    const allowed = PARAMETER_TYPES.filter((candidate) => candidate !== 'legacyObject').join(', ');
    bag.error('TPL014', `parameter "${name}" has unknown type "${text}"`, relocate(node.location), `Use one of: ${allowed}.`);
    return 'object';
  }
  if (type === 'stringList' && level === 'template') {
    // learn.microsoft.com …/process/runtime-parameters: stringList is for runtime parameters only.
    bag.error('TPL014', `parameter "${name}" has type stringList, which only root-level runtime parameters may use`, relocate(node.location), 'Declare the template parameter with type object instead.');
    return 'object';
  }
  return type;
}

function readValues(
  item: YamlMapping,
  name: string,
  relocate: (location: SourceLocation) => SourceLocation,
  bag: DiagnosticBag,
): YamlScalar[] | undefined {
  const node = findEntry(item, 'values')?.value;
  if (!node) return undefined;
  if (node.kind !== 'sequence' || node.items.some((value) => value.kind !== 'scalar')) {
    bag.error('TPL014', `"values" of parameter "${name}" must be a list of plain values`, relocate(node.location), 'Write the allowed values as a list, such as "values: [Debug, Release]".');
    return undefined;
  }
  return node.items as YamlScalar[];
}

const STEP_KEYS = ['task', 'script', 'bash', 'pwsh', 'powershell', 'checkout', 'download', 'downloadBuild', 'getPackage', 'publish', 'reviewApp', 'restoreCache', 'template'];
const JOB_KEYS = ['job', 'deployment', 'template'];
const DEPLOYMENT_KEYS = ['deployment', 'template'];
const STAGE_KEYS = ['stage', 'template'];

/** The outcome of checking a value against a declaration. */
export type ParameterCheck = { ok: true; value: ExpressionValue; node: YamlNode } | { ok: false; problem: string };

/**
 * Checks a value against a parameter's type and converts it: strings keep the
 * text as written, `boolean` accepts true/false in any case, `number` accepts
 * what Azure's number conversion accepts. `node` is the value to insert.
 */
export function checkParameterValue(declaration: ParameterDeclaration, node: YamlNode): ParameterCheck {
  const problem = typeProblem(declaration.type, node);
  if (problem) return { ok: false, problem };

  const converted = convertScalar(declaration.type, node);
  return { ok: true, value: converted.value, node: converted.node };
}

function convertScalar(type: ParameterType, node: YamlNode): { value: ExpressionValue; node: YamlNode } {
  if (node.kind !== 'scalar') return { value: nodeToValue(node), node };

  switch (type) {
    case 'string':
    case 'filePath':
    case 'secureFile':
    case 'serviceConnection':
    case 'environment':
    case 'pool':
    case 'container':
      return { value: node.text, node: node.tag === 'str' ? node : stringNode(node.text, node.location) };
    case 'boolean': {
      const value = node.text.toLowerCase() === 'true';
      return { value, node: { ...node, text: value ? 'true' : 'false', tag: 'bool', style: 'plain' } };
    }
    case 'number': {
      const value = castToNumber(node.text) ?? 0;
      return { value, node: { ...node, tag: Number.isInteger(value) ? 'int' : 'float', style: 'plain' } };
    }
    case 'stepList':
    case 'jobList':
    case 'deploymentList':
    case 'stageList':
    case 'containerList':
    case 'stringList':
      // An empty value stands for an empty list.
      return { value: [], node: { kind: 'sequence', items: [], location: node.location } };
    default:
      return { value: nodeToValue(node), node };
  }
}

function typeProblem(type: ParameterType, node: YamlNode): string | undefined {
  const isNull = node.kind === 'scalar' && node.tag === 'null';
  switch (type) {
    case 'string':
    case 'filePath':
    case 'secureFile':
    case 'serviceConnection':
      return node.kind === 'scalar' ? undefined : `a single value, not a ${node.kind}`;
    case 'number':
      if (node.kind !== 'scalar' || isNull || node.text.trim() === '' || castToNumber(node.text) === undefined) return 'a number';
      return undefined;
    case 'boolean':
      if (node.kind !== 'scalar' || !/^(true|false)$/i.test(node.text)) return 'a boolean (true or false)';
      return undefined;
    case 'object':
    case 'legacyObject':
      return undefined;
    case 'step':
      return itemProblem(node, STEP_KEYS, 'a step (a mapping with one of task, script, bash, pwsh, powershell, checkout, download, publish, template…)');
    case 'job':
      return itemProblem(node, JOB_KEYS, 'a job (a mapping with "job", "deployment" or "template")');
    case 'deployment':
      return itemProblem(node, DEPLOYMENT_KEYS, 'a deployment job (a mapping with "deployment" or "template")');
    case 'stage':
      return itemProblem(node, STAGE_KEYS, 'a stage (a mapping with "stage" or "template")');
    case 'stepList':
      return listProblem(node, STEP_KEYS, 'a list of steps');
    case 'jobList':
      return listProblem(node, JOB_KEYS, 'a list of jobs');
    case 'deploymentList':
      return listProblem(node, DEPLOYMENT_KEYS, 'a list of deployment jobs');
    case 'stageList':
      return listProblem(node, STAGE_KEYS, 'a list of stages');
    case 'containerList':
      return listProblem(node, ['container'], 'a list of containers (mappings with "container" and "image")');
    case 'stringList':
      if (isNull) return undefined;
      if (node.kind !== 'sequence' || node.items.some((item) => item.kind !== 'scalar')) return 'a list of strings';
      return undefined;
    case 'container':
    case 'pool':
    case 'environment':
      return node.kind === 'sequence' ? `a ${type} name or mapping, not a list` : undefined;
  }
}

function itemProblem(node: YamlNode, keys: string[], expected: string): string | undefined {
  if (node.kind !== 'mapping') return expected;
  return node.entries.some((entry) => keys.includes(entry.key.text)) ? undefined : expected;
}

function listProblem(node: YamlNode, keys: string[], expected: string): string | undefined {
  if (node.kind === 'scalar' && node.tag === 'null') return undefined;
  if (node.kind !== 'sequence') return expected;
  const wrong = node.items.find((item) => itemProblem(item, keys, expected) !== undefined);
  if (!wrong) return undefined;
  return `${expected}, and item ${node.items.indexOf(wrong) + 1} (${describeNode(wrong)}) is not one`;
}

/** Describes a value for an error message: a scalar's text in quotes, else its kind. */
export function describeNode(node: YamlNode): string {
  if (node.kind === 'scalar') return `"${node.text.length > 60 ? `${node.text.slice(0, 57)}...` : node.text}"`;
  if (node.kind === 'sequence') return `a list of ${node.items.length} item(s)`;
  const keys = node.entries.slice(0, 3).map((entry) => entry.key.text);
  return `a mapping with keys ${keys.join(', ')}${node.entries.length > 3 ? ', …' : ''}`;
}

/**
 * Reports whether a value is among the declared `values`.
 * NOTE: compared without regard to case, like Azure's `eq`; the docs do not
 * say how the queue form compares.
 */
export function isAllowedValue(declaration: ParameterDeclaration, node: YamlNode): boolean {
  const allowed = declaration.values;
  if (!allowed) return true;

  if (node.kind === 'mapping') return false;

  let texts: string[];
  if (node.kind === 'scalar') texts = [node.text];
  else texts = node.items.map((item) => (item.kind === 'scalar' ? item.text : ''));
  return texts.every((text) => allowed.some((value) => value.text.toLowerCase() === text.toLowerCase()));
}
