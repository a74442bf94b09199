import { MAX_LEASE_SECONDS } from '../store/job-queue.js';
import { MAX_EVENTS_PER_REQUEST, MAX_POLL_WAIT_SECONDS } from './agent-protocol.js';

/**
 * JSON schemas of the agent protocol's request bodies, as fastify validates
 * them. They mirror the types in agent-protocol.ts and run-event.ts.
 */

const text = (maxLength: number) => ({ type: 'string', maxLength }) as const;
const time = { type: 'string', minLength: 1, maxLength: 64 } as const;
const capabilities = {
  type: 'object',
  maxProperties: 500,
  propertyNames: { minLength: 1, maxLength: 200 },
  additionalProperties: { type: 'string', maxLength: 4000 },
} as const;

export const registerBodySchema = {
  type: 'object',
  required: ['name', 'pool', 'capabilities'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^\\s/\\\\][^/\\\\]*$' },
    pool: { type: 'string', minLength: 1, maxLength: 200 },
    capabilities: { ...capabilities, required: ['Agent.OS'] },
    version: text(100),
    replace: { type: 'boolean' },
  },
} as const;

export const sessionBodySchema = {
  type: 'object',
  required: ['capabilities'],
  additionalProperties: false,
  properties: { capabilities: { ...capabilities, required: ['Agent.OS'] }, version: text(100) },
} as const;

export const nextJobBodySchema = {
  type: 'object',
  required: ['leaseSeconds'],
  additionalProperties: false,
  properties: {
    waitSeconds: { type: 'number', minimum: 0, maximum: MAX_POLL_WAIT_SECONDS },
    leaseSeconds: { type: 'integer', minimum: 1, maximum: MAX_LEASE_SECONDS },
  },
} as const;

export const heartbeatBodySchema = {
  type: 'object',
  required: ['leaseSeconds'],
  additionalProperties: false,
  properties: { leaseSeconds: { type: 'integer', minimum: 1, maximum: MAX_LEASE_SECONDS } },
} as const;

const recordRef = {
  type: 'object',
  required: ['id', 'type', 'name', 'displayName'],
  additionalProperties: false,
  properties: {
    id: { type: 'string', minLength: 1, maxLength: 1000 },
    parentId: text(1000),
    type: { enum: ['stage', 'job', 'step'] },
    name: text(1000),
    displayName: text(4000),
  },
} as const;

const taskResult = { enum: ['succeeded', 'succeededWithIssues', 'failed', 'canceled', 'skipped'] } as const;

/**
 * One schema per RunEvent type except `run-started`, which only the server
 * emits. They are picked by `type` with if/then rather than `oneOf`: fastify's
 * Ajv removes additional properties, and inside `oneOf` the first branch that
 * fails would strip fields that a later branch needs.
 */
const eventSchemas = [
  {
    type: 'object',
    required: ['type', 'record', 'time'],
    properties: { type: { const: 'record-started' }, record: recordRef, time },
  },
  {
    type: 'object',
    required: ['type', 'record', 'result', 'time'],
    properties: { type: { const: 'record-finished' }, record: recordRef, result: taskResult, reason: text(100_000), time },
  },
  {
    type: 'object',
    required: ['type', 'recordId', 'stream', 'line', 'time'],
    properties: {
      type: { const: 'log' },
      recordId: { type: 'string', minLength: 1, maxLength: 1000 },
      stream: { enum: ['stdout', 'stderr', 'system'] },
      line: text(1_000_000),
      format: { enum: ['group', 'endgroup', 'warning', 'error', 'section', 'debug', 'command'] },
      time,
    },
  },
  {
    type: 'object',
    required: ['type', 'recordId', 'issueType', 'message', 'time'],
    properties: {
      type: { const: 'issue' },
      recordId: { type: 'string', minLength: 1, maxLength: 1000 },
      issueType: { enum: ['error', 'warning'] },
      message: text(100_000),
      sourcePath: text(4000),
      line: { type: 'integer', minimum: 0 },
      column: { type: 'integer', minimum: 0 },
      code: text(200),
      time,
    },
  },
  {
    type: 'object',
    required: ['type', 'recordId', 'name', 'value', 'isSecret', 'isOutput', 'time'],
    properties: {
      type: { const: 'variable-set' },
      recordId: { type: 'string', minLength: 1, maxLength: 1000 },
      name: { type: 'string', minLength: 1, maxLength: 1000 },
      value: text(1_000_000),
      isSecret: { type: 'boolean' },
      isOutput: { type: 'boolean' },
      time,
    },
  },
] as const;

export const eventsBodySchema = {
  type: 'object',
  required: ['events'],
  additionalProperties: false,
  properties: {
    events: {
      type: 'array',
      maxItems: MAX_EVENTS_PER_REQUEST,
      items: {
        type: 'object',
        required: ['type'],
        properties: { type: { enum: eventSchemas.map((schema) => schema.properties.type.const) } },
        allOf: eventSchemas.map((schema) => ({ if: { properties: { type: { const: schema.properties.type.const } } }, then: schema })),
      },
    },
  },
} as const;

const testRunSummary = {
  type: 'object',
  required: ['title', 'format', 'total', 'passed', 'failed', 'skipped', 'durationMs', 'failedTests'],
  properties: {
    title: text(1000),
    format: text(50),
    total: { type: 'integer', minimum: 0 },
    passed: { type: 'integer', minimum: 0 },
    failed: { type: 'integer', minimum: 0 },
    skipped: { type: 'integer', minimum: 0 },
    durationMs: { type: 'number', minimum: 0 },
    failedTests: { type: 'array', items: { type: 'object', required: ['name'], properties: { name: text(4000), message: text(100_000) } } },
  },
} as const;

export const completeBodySchema = {
  type: 'object',
  required: ['outcome'],
  additionalProperties: false,
  properties: {
    outcome: {
      type: 'object',
      required: ['result', 'outputs', 'variables'],
      properties: {
        result: taskResult,
        reason: text(100_000),
        outputs: { type: 'object', additionalProperties: { type: 'string' } },
        variables: { type: 'object', additionalProperties: { type: 'string' } },
        pythonVersion: text(100),
        testResults: { type: 'array', items: testRunSummary },
        coverage: { type: 'array', items: { type: 'object' } },
      },
    },
  },
} as const;

export const missingBlobsBodySchema = {
  type: 'object',
  required: ['sha256'],
  additionalProperties: false,
  properties: { sha256: { type: 'array', maxItems: 100_000, items: { type: 'string', pattern: '^[0-9a-f]{64}$' } } },
} as const;

export const artifactManifestBodySchema = {
  type: 'object',
  required: ['version', 'name', 'createdAt', 'sourceIsFile', 'entries'],
  properties: {
    version: { type: 'integer' },
    name: { type: 'string', minLength: 1, maxLength: 200 },
    createdAt: time,
    sourceIsFile: { type: 'boolean' },
    entries: { type: 'array', items: { type: 'object', required: ['type', 'path'], properties: { type: { enum: ['file', 'directory', 'link'] }, path: text(4000) } } },
  },
} as const;
