import type { SourceLocation } from '../source-location.js';
import type { YamlMapping, YamlNode } from '../yaml/yaml-node.js';
import {
  CONTAINER_KEYS,
  CONTAINER_RESOURCE_KEYS,
  LEGACY_RESOURCE_KEYS,
  MOUNT_READ_ONLY_KEYS,
  PARAMETER_KEYS,
  REPOSITORY_RESOURCE_KEYS,
  RESOURCES_KEYS,
} from './key-tables.js';
import type { NormalizeContext } from './normalize-context.js';
import { checkKeys, describeShape, entryValue, readBoolean, readStringList, readStringMap, scalarText, toPlainData } from './node-reader.js';
import type { ContainerResource, ParameterDefinition, RepositoryResource, ResourcesDefinition } from './pipeline-model.js';
import { isTemplateReference } from './template-syntax.js';

/** Normalises root `resources:`; repositories and containers are typed, the other kinds kept as written. */
export function normalizeResources(node: YamlNode | undefined, context: NormalizeContext): ResourcesDefinition | undefined {
  if (node?.kind === 'sequence') return readLegacyResources(node.items, context);
  if (node?.kind !== 'mapping') return undefined;
  checkKeys(node, RESOURCES_KEYS, '"resources"', context);

  const resources: ResourcesDefinition = { repositories: [], containers: [], other: {} };
  for (const { key, value } of node.entries) {
    if (key.text === 'repositories') resources.repositories = mappingItems(value, key.text, context).flatMap((item) => readRepository(item, context));
    else if (key.text === 'containers') resources.containers = mappingItems(value, key.text, context).flatMap((item) => readContainerResource(item, context));
    else if (key.text in RESOURCES_KEYS) resources.other[key.text] = toPlainData(value);
  }
  return resources;
}

/** Checks the legacy list form, which only names the pipeline's own repository (`- repo: self`) and so adds no resources. */
function readLegacyResources(items: YamlNode[], context: NormalizeContext): ResourcesDefinition {
  for (const item of items) {
    if (item.kind === 'mapping') {
      checkKeys(item, LEGACY_RESOURCE_KEYS, 'a "resources" item', context);
      continue;
    }
    context.error('PIPE002', `each item of "resources" must be a mapping, but one is ${describeShape(item)}`, item.location,
      'Write "- repo: self", or use the mapping form with "repositories:".');
  }
  return { repositories: [], containers: [], other: {} };
}

function mappingItems(node: YamlNode, owner: string, context: NormalizeContext): YamlMapping[] {
  if (node.kind !== 'sequence') return [];
  const items: YamlMapping[] = [];
  for (const item of node.items) {
    if (item.kind === 'mapping') items.push(item);
    else context.error('PIPE002', `each item of "${owner}" must be a mapping, but one is ${describeShape(item)}`, item.location,
      `Write each item of "${owner}" as a mapping with its keys beneath the "-".`);
  }
  return items;
}

function requireScalar(item: YamlMapping, key: string, owner: string, context: NormalizeContext): string | undefined {
  const value = scalarText(entryValue(item, key));
  if (value === undefined || value === '') {
    context.error('PIPE003', `${owner} is missing the required key "${key}"`, item.location, `Add "${key}:" to the item.`);
    return undefined;
  }
  return value;
}

function readRepository(item: YamlMapping, context: NormalizeContext): RepositoryResource[] {
  checkKeys(item, REPOSITORY_RESOURCE_KEYS, 'a repository resource', context);
  const alias = requireScalar(item, 'repository', 'a repository resource', context);
  if (alias === undefined) return [];

  return [{
    alias,
    type: scalarText(entryValue(item, 'type')) ?? 'git',
    name: scalarText(entryValue(item, 'name')),
    ref: scalarText(entryValue(item, 'ref')),
    endpoint: scalarText(entryValue(item, 'endpoint')),
    location: item.location,
  }];
}

function readContainerResource(item: YamlMapping, context: NormalizeContext): ContainerResource[] {
  checkKeys(item, CONTAINER_RESOURCE_KEYS, 'a container resource', context);
  const alias = requireScalar(item, 'container', 'a container resource', context);
  if (alias === undefined) return [];

  const container = readContainerBody(item, alias, item.location, context);
  return container ? [container] : [];
}

/**
 * Normalises a job's `container:` or a `services:` entry written inline as a mapping.
 * Callers keep a plain string (an alias or an image) as it is.
 */
export function readInlineContainer(node: YamlMapping, alias: string, context: NormalizeContext): ContainerResource | undefined {
  checkKeys(node, CONTAINER_KEYS, `container "${alias}"`, context);
  return readContainerBody(node, alias, node.location, context);
}

function readContainerBody(item: YamlMapping, alias: string, location: SourceLocation, context: NormalizeContext): ContainerResource | undefined {
  const image = requireScalar(item, 'image', `container "${alias}"`, context);
  if (image === undefined) return undefined;

  const mapDockerSocket = entryValue(item, 'mapDockerSocket');
  return {
    alias,
    image,
    options: scalarText(entryValue(item, 'options')),
    env: readStringMap(entryValue(item, 'env'), 'env', context),
    ports: readStringList(entryValue(item, 'ports'), 'ports', context).map((port) => port.value),
    volumes: readStringList(entryValue(item, 'volumes'), 'volumes', context).map((volume) => volume.value),
    endpoint: scalarText(entryValue(item, 'endpoint')),
    mapDockerSocket: mapDockerSocket === undefined ? undefined : readBoolean(mapDockerSocket, 'mapDockerSocket', true, context),
    mountReadOnly: readMountReadOnly(entryValue(item, 'mountReadOnly'), context),
    location,
  };
}

function readMountReadOnly(node: YamlNode | undefined, context: NormalizeContext): Record<string, boolean> | undefined {
  if (node?.kind !== 'mapping') return undefined;
  checkKeys(node, MOUNT_READ_ONLY_KEYS, '"mountReadOnly"', context);

  const folders: Record<string, boolean> = {};
  for (const { key, value } of node.entries) folders[key.text] = readBoolean(value, key.text, false, context);
  return folders;
}

/** Parameter types (learn.microsoft.com …/process/runtime-parameters, "Parameter data types"). */
const PARAMETER_TYPES = [
  'string', 'number', 'boolean', 'object', 'step', 'stepList', 'job', 'jobList',
  'deployment', 'deploymentList', 'stage', 'stageList', 'stringList',
];

/** Normalises root `parameters:` (list form, or the legacy mapping of name → default). */
export function normalizeParameters(node: YamlNode | undefined, context: NormalizeContext): ParameterDefinition[] {
  if (node === undefined) return [];
  if (node.kind === 'mapping') {
    return node.entries.map(({ key, value }) => ({ name: key.text, type: 'object', default: toPlainData(value), location: key.location }));
  }
  if (node.kind !== 'sequence') return [];

  const parameters: ParameterDefinition[] = [];
  for (const item of mappingItems(node, 'parameters', context)) {
    if (isTemplateReference(item)) continue;
    checkKeys(item, PARAMETER_KEYS, 'a parameter', context);
    const name = requireScalar(item, 'name', 'a parameter', context);
    if (name === undefined) continue;

    const typeNode = entryValue(item, 'type');
    const type = scalarText(typeNode) ?? 'string';
    if (typeNode && !PARAMETER_TYPES.includes(type)) {
      context.error('PIPE016', `parameter "${name}" has the unknown type "${type}"`, typeNode.location,
        `Use one of: ${PARAMETER_TYPES.join(', ')}.`);
    }

    const defaultNode = entryValue(item, 'default');
    const valuesNode = entryValue(item, 'values');
    parameters.push({
      name,
      displayName: scalarText(entryValue(item, 'displayName')),
      type,
      default: defaultNode === undefined ? undefined : toPlainData(defaultNode),
      values: valuesNode?.kind === 'sequence' ? valuesNode.items.map(toPlainData) : undefined,
      location: item.location,
    });
  }
  return parameters;
}
