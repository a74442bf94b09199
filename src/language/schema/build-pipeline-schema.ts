import {
  CONTAINER_KEYS,
  CONTAINER_RESOURCE_KEYS,
  DEPLOYMENT_KEYS,
  DEPLOYMENT_STRATEGY_KEYS,
  ENVIRONMENT_KEYS,
  GROUP_ITEM_KEYS,
  HOOK_KEYS,
  JOB_KEYS,
  LEGACY_RESOURCE_KEYS,
  MOUNT_READ_ONLY_KEYS,
  ON_KEYS,
  PARAMETER_KEYS,
  PHASE_KEYS,
  POOL_KEYS,
  QUEUE_KEYS,
  REPOSITORY_RESOURCE_KEYS,
  RESOURCES_KEYS,
  ROOT_KEYS,
  RUN_ONCE_KEYS,
  ROLLING_KEYS,
  CANARY_KEYS,
  STAGE_KEYS,
  STEP_COMMON_KEYS,
  STEP_TARGET_KEYS,
  STEP_TYPE_KEYS,
  STRATEGY_KEYS,
  USES_KEYS,
  VARIABLE_ITEM_KEYS,
  WORKSPACE_KEYS,
  type KeyTable,
  type ValueShape,
} from '../pipeline/key-tables.js';
import { describeKey } from './schema-descriptions.js';
import { PR_KEYS, SCHEDULE_KEYS, TRIGGER_FILTER_KEYS, TRIGGER_KEYS } from './trigger-key-tables.js';

/** A JSON Schema (draft-07) node; only the keywords this generator writes. */
export type JsonSchema = { [keyword: string]: unknown };

/** Draft-07 is the version the YAML language server in VS Code reads. */
export const JSON_SCHEMA_DRAFT = 'http://json-schema.org/draft-07/schema#';

/** Keys written as template expressions, such as `${{ if eq(a, b) }}`, `${{ insert }}` or `${{ each x in y }}`. */
const TEMPLATE_EXPRESSION_KEY = '^\\$\\{\\{.*\\}\\}$';

const ref = (name: string): JsonSchema => ({ $ref: `#/definitions/${name}` });
const arrayOf = (items: JsonSchema): JsonSchema => ({ type: 'array', items });

/**
 * Builds the JSON Schema of the pipeline language from the normaliser's key
 * tables, so the schema and `sluice validate` accept the same keys. Template
 * syntax is allowed wherever Azure allows it: `${{ }}` keys in any mapping,
 * `${{ }}` strings in any list, and `template:` items in stage, job, step and
 * variable lists. The schema is for editors; `sluice validate` stays the check.
 */
export function buildPipelineSchema(): JsonSchema {
  const stepTypes = Object.keys(STEP_TYPE_KEYS);
  const definitions: Record<string, JsonSchema> = {
    scalar: { type: ['string', 'number', 'boolean', 'null'], description: 'A scalar; every value reaches a run as a string.' },
    stringList: { anyOf: [ref('scalar'), arrayOf(ref('scalar'))] },
    scalarMap: { type: 'object', additionalProperties: ref('scalar') },
    templateExpressionItem: {
      type: 'object',
      description: 'A template expression such as ${{ if … }}: or ${{ each … }}: that inserts items.',
      patternProperties: { [TEMPLATE_EXPRESSION_KEY]: {} },
      additionalProperties: false,
      minProperties: 1,
    },
    templateReference: {
      type: 'object',
      description: 'Items read from a template file, with the parameters it takes.',
      properties: { template: { type: 'string', description: describeKey('template', 'template') }, parameters: { description: 'Values of the template\'s parameters.' } },
      required: ['template'],
      additionalProperties: false,
    },

    pipeline: objectFrom('pipeline', ROOT_KEYS, {
      trigger: ref('trigger'),
      pr: ref('pr'),
      schedules: arrayOf(ref('schedule')),
      parameters: ref('parameters'),
      resources: ref('resources'),
      variables: ref('variables'),
      pool: ref('pool'),
      stages: ref('stageList'),
      jobs: ref('jobList'),
      phases: ref('jobList'),
      steps: ref('stepList'),
      extends: ref('templateReference'),
      queue: ref('queue'),
      server: ref('scalar'),
      strategy: ref('strategy'),
      container: ref('container'),
      services: ref('services'),
      workspace: ref('workspace'),
    }),

    trigger: {
      description: describeKey('pipeline', 'trigger'),
      anyOf: [ref('scalar'), arrayOf(ref('scalar')), objectFrom('trigger', TRIGGER_KEYS, triggerFilters())],
    },
    pr: { description: describeKey('pipeline', 'pr'), anyOf: [ref('scalar'), arrayOf(ref('scalar')), objectFrom('pr', PR_KEYS, triggerFilters())] },
    schedule: objectFrom('schedule', SCHEDULE_KEYS, { branches: ref('triggerFilter') }, ['cron']),
    triggerFilter: { anyOf: [arrayOf(ref('scalar')), objectFrom('filter', TRIGGER_FILTER_KEYS, { include: ref('stringList'), exclude: ref('stringList') })] },

    parameters: {
      description: describeKey('pipeline', 'parameters'),
      anyOf: [arrayOf({ anyOf: [objectFrom('parameter', PARAMETER_KEYS, {}, ['name']), ref('templateExpressionItem')] }), { type: 'object' }],
    },
    variables: {
      description: describeKey('pipeline', 'variables'),
      anyOf: [
        { type: 'object', description: 'Mapping form: name → value.', additionalProperties: ref('scalar') },
        arrayOf({
          anyOf: [
            objectFrom('variable', VARIABLE_ITEM_KEYS, {}, ['name']),
            objectFrom('variableGroup', GROUP_ITEM_KEYS, {}, ['group']),
            ref('templateReference'),
            ref('templateExpressionItem'),
          ],
        }),
        { type: 'null' },
      ],
    },
    resources: {
      description: describeKey('pipeline', 'resources'),
      anyOf: [
        objectFrom('resources', RESOURCES_KEYS, {
          repositories: arrayOf({ anyOf: [objectFrom('repository', REPOSITORY_RESOURCE_KEYS, { trigger: ref('trigger') }, ['repository']), ref('templateExpressionItem')] }),
          containers: arrayOf({ anyOf: [objectFrom('containerResource', CONTAINER_RESOURCE_KEYS, containerParts(), ['container']), ref('templateExpressionItem')] }),
          pipelines: arrayOf({ type: 'object', description: 'A pipeline resource: pipeline alias, source, project, branch, version, tags and trigger.' }),
          builds: arrayOf({ type: 'object', description: 'A build resource: build alias, type, connection, source, version and trigger.' }),
          packages: arrayOf({ type: 'object', description: 'A package resource: package alias, type, connection, name, version and trigger.' }),
          webhooks: arrayOf({ type: 'object', description: 'A webhook resource: webhook alias, connection, type and filters.' }),
        }),
        arrayOf(objectFrom('legacyResource', LEGACY_RESOURCE_KEYS, {}, ['repo'])),
      ],
    },

    pool: { description: describeKey('pipeline', 'pool'), anyOf: [ref('scalar'), objectFrom('pool', POOL_KEYS, { demands: ref('stringList') })] },
    queue: { description: describeKey('pipeline', 'queue'), anyOf: [ref('scalar'), objectFrom('queue', QUEUE_KEYS, { demands: ref('stringList'), matrix: ref('matrix') })] },
    container: { description: describeKey('job', 'container'), anyOf: [ref('scalar'), objectFrom('container', CONTAINER_KEYS, containerParts(), ['image'])] },
    services: { type: 'object', description: describeKey('job', 'services'), additionalProperties: ref('container') },
    workspace: objectFrom('workspace', WORKSPACE_KEYS),
    environment: { description: describeKey('deployment', 'environment'), anyOf: [ref('scalar'), objectFrom('environment', ENVIRONMENT_KEYS, { tags: ref('stringList') }, ['name'])] },

    stageList: { description: describeKey('pipeline', 'stages'), ...listOf(ref('stage')) },
    stage: objectFrom('stage', STAGE_KEYS, { dependsOn: ref('stringList'), variables: ref('variables'), jobs: ref('jobList'), pool: ref('pool') }, ['stage']),

    jobList: { description: describeKey('pipeline', 'jobs'), ...listOf({ anyOf: [ref('job'), ref('deployment'), ref('phase')] }) },
    job: objectFrom('job', JOB_KEYS, jobParts(), ['job']),
    phase: objectFrom('phase', PHASE_KEYS, { ...jobParts(), queue: ref('queue'), server: ref('scalar') }, ['phase']),
    deployment: objectFrom(
      'deployment',
      DEPLOYMENT_KEYS,
      { ...jobParts(), environment: ref('environment'), strategy: ref('deploymentStrategy') },
      ['deployment'],
    ),
    strategy: objectFrom('strategy', STRATEGY_KEYS, { matrix: ref('matrix') }),
    matrix: {
      description: describeKey('strategy', 'matrix'),
      anyOf: [ref('scalar'), { type: 'object', additionalProperties: { anyOf: [ref('scalarMap'), ref('templateExpressionItem')] } }],
    },
    deploymentStrategy: objectFrom('deploymentStrategy', DEPLOYMENT_STRATEGY_KEYS, {
      runOnce: objectFrom('runOnce', RUN_ONCE_KEYS, hookParts()),
      rolling: objectFrom('rolling', ROLLING_KEYS, hookParts()),
      canary: objectFrom('canary', CANARY_KEYS, { ...hookParts(), increments: arrayOf(ref('scalar')) }),
    }),
    hook: objectFrom('hook', HOOK_KEYS, { steps: ref('stepList'), pool: ref('pool') }),

    stepList: { description: describeKey('job', 'steps'), ...listOf({ anyOf: stepTypes.map((type) => ref(`${type}Step`)) }) },
    stepTarget: { anyOf: [ref('scalar'), objectFrom('target', STEP_TARGET_KEYS, { settableVariables: ref('stringList') })] },
  };

  for (const type of stepTypes) {
    const table: KeyTable = { ...STEP_TYPE_KEYS[type], ...STEP_COMMON_KEYS };
    definitions[`${type}Step`] = objectFrom('step', table, { env: ref('scalarMap'), inputs: ref('scalarMap'), target: ref('stepTarget') }, [type]);
  }

  return {
    $schema: JSON_SCHEMA_DRAFT,
    title: 'Azure Pipelines YAML (Sluice)',
    description: 'A pipeline file in the Azure Pipelines YAML language, as Sluice reads it. Generated by `sluice schema`; do not edit.',
    ...ref('pipeline'),
    definitions,
  };
}

/** Renders the schema as the committed file: two-space JSON ending in a newline. */
export function renderPipelineSchema(): string {
  return JSON.stringify(buildPipelineSchema(), null, 2) + '\n';
}

/**
 * Turns a key table into an object schema: the keys from the table with their
 * shapes (or the more precise schema in `nested`), descriptions, template
 * expression keys allowed, and any other key rejected.
 */
function objectFrom(context: string, table: KeyTable, nested: Record<string, JsonSchema> = {}, required: string[] = []): JsonSchema {
  const properties: Record<string, JsonSchema> = {};
  for (const [key, shapes] of Object.entries(table)) {
    const schema = nested[key] ?? shapeSchema(shapes);
    const description = describeKey(context, key);
    properties[key] = description && !('description' in schema) ? { ...schema, description } : schema;
  }
  const schema: JsonSchema = {
    type: 'object',
    properties,
    patternProperties: { [TEMPLATE_EXPRESSION_KEY]: {} },
    additionalProperties: false,
  };
  if (required.length > 0) schema.required = required;
  return schema;
}

function shapeSchema(shapes: readonly ValueShape[]): JsonSchema {
  const options = shapes.map((shape): JsonSchema => {
    if (shape === 'scalar') return ref('scalar');
    return { type: shape === 'mapping' ? 'object' : 'array' };
  });
  return options.length === 1 ? options[0]! : { anyOf: options };
}

/** Returns a list schema whose items may also be a template reference, a `${{ }}` mapping or a `${{ }}` string. */
function listOf(item: JsonSchema): JsonSchema {
  return { type: 'array', items: { anyOf: [item, ref('templateReference'), ref('templateExpressionItem'), { type: 'string', pattern: '^\\s*\\$\\{\\{.*\\}\\}\\s*$' }] } };
}

function jobParts(): Record<string, JsonSchema> {
  return {
    dependsOn: ref('stringList'),
    variables: ref('variables'),
    pool: ref('pool'),
    container: ref('container'),
    services: ref('services'),
    workspace: ref('workspace'),
    uses: objectFrom('uses', USES_KEYS, { repositories: arrayOf(ref('scalar')), pools: arrayOf(ref('scalar')) }),
    strategy: ref('strategy'),
    steps: ref('stepList'),
  };
}

function hookParts(): Record<string, JsonSchema> {
  return {
    preDeploy: ref('hook'),
    deploy: ref('hook'),
    routeTraffic: ref('hook'),
    postRouteTraffic: ref('hook'),
    on: objectFrom('on', ON_KEYS, { failure: ref('hook'), success: ref('hook') }),
  };
}

function containerParts(): Record<string, JsonSchema> {
  return {
    env: ref('scalarMap'),
    ports: arrayOf(ref('scalar')),
    volumes: arrayOf(ref('scalar')),
    mountReadOnly: objectFrom('mountReadOnly', MOUNT_READ_ONLY_KEYS),
    trigger: ref('trigger'),
  };
}

function triggerFilters(): Record<string, JsonSchema> {
  return { branches: ref('triggerFilter'), paths: ref('triggerFilter'), tags: ref('triggerFilter') };
}
