import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv from 'ajv';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildPipelineSchema, renderPipelineSchema } from '../../../src/language/schema/build-pipeline-schema.js';
import { runSchemaCommand } from '../../../src/cli/commands/schema-command.js';
import { CORPUS_ROOT } from '../../helpers/corpus-root.js';

const REPOSITORY_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const COMMITTED = join(REPOSITORY_ROOT, 'schema/azure-pipelines.schema.json');
const CORPUS = CORPUS_ROOT;

function compileSchema() {
  const ajv = new Ajv({ allErrors: true, strict: true, allowUnionTypes: true });
  return ajv.compile(buildPipelineSchema());
}

const check = compileSchema();

function validate(text: string) {
  const valid = check(parse(text));
  return { valid, errors: check.errors ?? [] };
}

describe('pipeline schema', () => {
  it('matches the committed file', () => {
    // Regenerate with: sluice schema --output schema/azure-pipelines.schema.json
    expect(readFileSync(COMMITTED, 'utf8')).toBe(renderPipelineSchema());
  });

  it('is a valid draft-07 schema', () => {
    expect(buildPipelineSchema().$schema).toBe('http://json-schema.org/draft-07/schema#');
    expect(() => compileSchema()).not.toThrow();
  });

  it('accepts each pipeline shape with templates', () => {
    const text = [
      'trigger:',
      '  branches: { include: [main] }',
      'pr: none',
      'parameters:',
      '- name: pythons',
      '  type: object',
      '  default: ["3.12"]',
      'variables:',
      '- group: shared',
      '- name: a',
      '  value: b',
      '- template: vars.yml',
      'resources:',
      '  repositories:',
      '  - repository: templates',
      '    type: github',
      '    name: org/templates',
      '    endpoint: github',
      'stages:',
      '- stage: Build',
      '  jobs:',
      '  - job: Test',
      '    pool: { vmImage: ubuntu-latest }',
      '    strategy:',
      '      matrix:',
      '        py312: { python.version: "3.12" }',
      '    steps:',
      '    - checkout: self',
      '      fetchDepth: 1',
      '    - ${{ each python in parameters.pythons }}:',
      '      - script: echo ${{ python }}',
      '    - task: UsePythonVersion@0',
      '      inputs: { versionSpec: "$(python.version)" }',
      '    - template: steps.yml',
      '      parameters: { x: 1 }',
      '  - deployment: Ship',
      '    environment: production',
      '    strategy:',
      '      runOnce:',
      '        deploy:',
      '          steps:',
      '          - bash: ./deploy.sh',
      '- template: stages.yml@templates',
    ].join('\n');
    const result = validate(text);
    expect(result.errors).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('rejects an unknown key and a step without type', () => {
    const result = validate(['steps:', '- script: echo hi', '  dispayName: typo', '- displayName: no type'].join('\n'));
    expect(result.valid).toBe(false);
    expect(result.errors.some((error) => error.keyword === 'additionalProperties' && error.params.additionalProperty === 'dispayName')).toBe(true);
    expect(result.errors.some((error) => error.keyword === 'required')).toBe(true);
  });

  it('rejects a list where a pool is expected', () => {
    const result = validate(['pool: [a, b]', 'steps:', '- script: echo hi'].join('\n'));
    expect(result.valid).toBe(false);
    expect(result.errors.some((error) => error.instancePath === '/pool')).toBe(true);
  });

  it('writes the file with the schema command', async () => {
    const output: string[] = [];
    const io = { stdout: (text: string) => output.push(text), stderr: () => {}, isTerminal: false, color: false, cwd: REPOSITORY_ROOT };
    expect(await runSchemaCommand({}, io)).toBe(0);
    expect(JSON.parse(output.join(''))).toEqual(buildPipelineSchema());
  });
});

interface CorpusEntry {
  repo: string;
  path: string;
  role: string;
  yaml_parse_error?: unknown;
}

describe('corpus pipelines against the schema', () => {
  const index = JSON.parse(readFileSync(join(CORPUS, 'index.json'), 'utf8')) as CorpusEntry[];
  // Files that are not valid YAML as committed cannot be checked against any schema.
  const pipelines = index.filter((entry) => entry.role === 'pipeline' && !entry.yaml_parse_error);

  it('finds the corpus pipelines', () => {
    expect(pipelines.length).toBeGreaterThan(50);
  });

  for (const entry of pipelines) {
    const file = `${entry.repo.replace('/', '__')}/${entry.path}`;
    it(`accepts ${file}`, () => {
      const result = validate(readFileSync(join(CORPUS, file), 'utf8'));
      expect(result.errors).toEqual([]);
      expect(result.valid).toBe(true);
    });
  }
});
