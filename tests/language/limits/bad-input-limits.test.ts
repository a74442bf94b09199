import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_TEMPLATE_TEXT_CHARACTERS } from '../../../src/language/templates/template-limits.js';
import { MAX_YAML_NESTING_DEPTH } from '../../../src/language/yaml/nesting-depth.js';
import { MAX_ALIAS_EXPANSION_NODES } from '../../../src/language/yaml/yaml-tree-builder.js';
import { runSluice } from '../../helpers/run-sluice.js';

/*
 * Hostile and broken pipelines, each loaded by the built language layer in a
 * child process whose heap is capped at 256 MB, so a memory blow-up kills the
 * child and fails the test. Every case must end with a coded error at a
 * position. Speed is not asserted here; the heap cap and the bytes read are.
 * The child runs dist/, so run `npm run build` first (`npm test` does).
 */

const CHILD_SCRIPT = fileURLToPath(new URL('./load-pipeline-child.mjs', import.meta.url));
const HEAP_LIMIT_ARGUMENT = '--max-old-space-size=256';
const NESTING = 10_000;
const HUGE_FILE_BYTES = 50 * 1024 * 1024;

/** Bytes the child may read while rejecting a huge file: the small pipeline file around it, and slack. */
const MAX_BYTES_READ_FOR_REJECTED_FILE = 4 * 1024 * 1024;

interface ChildError {
  code: string;
  message: string;
  file?: string;
  line?: number;
  column?: number;
}

interface ChildReport {
  errors: ChildError[];
  bytesRead: number | null;
}

const folder = mkdtempSync(path.join(tmpdir(), 'sluice-limits-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Writes `files` into a new case folder and returns the path of its azure-pipelines.yml. */
function writeCase(name: string, files: Record<string, string | Buffer>): string {
  const caseFolder = path.join(folder, name);
  for (const [file, content] of Object.entries(files)) {
    const target = path.join(caseFolder, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, content);
  }
  return path.join(caseFolder, 'azure-pipelines.yml');
}

/** Loads `pipeline` in a child process with a 256 MB heap; fails when the child does not exit normally. */
async function loadInChild(pipeline: string): Promise<ChildReport> {
  const child = spawn(process.execPath, [HEAP_LIMIT_ARGUMENT, CHILD_SCRIPT, pipeline], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
  child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, closeSignal) => resolve([code, closeSignal]));
  });

  expect({ exitCode, signal, stderr: stderr.slice(0, 2000) }).toEqual({ exitCode: 0, signal: null, stderr: '' });
  return JSON.parse(stdout) as ChildReport;
}

/** Checks that the child did not read the huge file; /proc/self/io exists only on Linux. */
function expectFewBytesRead(report: ChildReport): void {
  if (process.platform !== 'linux') return;
  expect(report.bytesRead).not.toBeNull();
  expect(report.bytesRead!).toBeLessThan(MAX_BYTES_READ_FOR_REJECTED_FILE);
}

/** Builds a 50 MB pipeline of valid steps, so only its size is wrong. */
function hugePipeline(): Buffer {
  const line = Buffer.from('- script: echo a step of a generated pipeline that is far too long\n');
  const buffer = Buffer.alloc(HUGE_FILE_BYTES, ' ');
  buffer.write('steps:\n');
  for (let offset = 7; offset + line.length <= buffer.length; offset += line.length) line.copy(buffer, offset);
  return buffer;
}

describe('bad input limits', () => {
  it('rejects a template that includes itself', async () => {
    const pipeline = writeCase('self-inclusion', {
      'azure-pipelines.yml': 'steps:\n- template: loop.yml\n',
      'loop.yml': 'steps:\n- script: echo once\n- template: loop.yml\n',
    });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['TPL004']);
    expect(report.errors[0]).toMatchObject({ file: 'loop.yml', line: 3, column: 3 });
    expect(report.errors[0].message).toContain('loop.yml → loop.yml');
  });

  it('rejects inclusion through another template', async () => {
    const pipeline = writeCase('mutual-inclusion', {
      'azure-pipelines.yml': 'jobs:\n- job: build\n  steps:\n  - template: a.yml\n',
      'a.yml': 'steps:\n- script: echo a\n- template: b.yml\n',
      'b.yml': 'steps:\n- script: echo b\n- template: a.yml\n',
    });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['TPL004']);
    expect(report.errors[0]).toMatchObject({ file: 'b.yml', line: 3, column: 3 });
    expect(report.errors[0].message).toContain('a.yml → b.yml → a.yml');
  });

  it('rejects 10,000 nested flow sequences', async () => {
    const prefix = 'steps:\n- script: echo\n  env:\n    DEEP: ';
    const pipeline = writeCase('nested-flow', { 'azure-pipelines.yml': `${prefix}${'['.repeat(NESTING)}${']'.repeat(NESTING)}\n` });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['YAML011']);
    expect(report.errors[0].message).toContain(`${MAX_YAML_NESTING_DEPTH} levels`);
    // Levels: the root mapping, steps, the step, env, then the brackets from column 11 on.
    const bracketsBeforeLimit = MAX_YAML_NESTING_DEPTH + 1 - 4;
    expect(report.errors[0]).toMatchObject({ file: 'azure-pipelines.yml', line: 4, column: 11 + bracketsBeforeLimit - 1 });
  });

  it('accepts nesting at the limit', async () => {
    // Levels: the root mapping, parameters, the parameter, then the brackets of its default.
    const brackets = MAX_YAML_NESTING_DEPTH - 3;
    const pipeline = writeCase('nested-at-limit', {
      'azure-pipelines.yml': `parameters:\n- name: deep\n  type: object\n  default: ${'['.repeat(brackets)}${']'.repeat(brackets)}\nsteps:\n- script: echo \${{ convertToJson(parameters.deep) }}\n`,
    });

    const report = await loadInChild(pipeline);

    expect(report.errors).toEqual([]);
  });

  it('rejects 10,000 nested block sequences', async () => {
    const pipeline = writeCase('nested-block', { 'azure-pipelines.yml': `steps:\n- script: echo\n  env:\n    DEEP:\n      ${'- '.repeat(NESTING)}x\n` });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['YAML011']);
    const dashesBeforeLimit = MAX_YAML_NESTING_DEPTH + 1 - 4;
    expect(report.errors[0]).toMatchObject({ file: 'azure-pipelines.yml', line: 5, column: 7 + 2 * (dashesBeforeLimit - 1) });
  });

  it('rejects deep nesting in a template', async () => {
    const pipeline = writeCase('nested-template', {
      'azure-pipelines.yml': 'steps:\n- template: deep.yml\n',
      'deep.yml': `steps:\n- script: echo ${'{a: '.repeat(NESTING)}1${'}'.repeat(NESTING)}\n`,
    });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['YAML011']);
    expect(report.errors[0]).toMatchObject({ file: 'deep.yml', line: 2 });
  });

  it('rejects a YAML alias bomb', async () => {
    const levels = ['  lol0: &lol0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (let level = 1; level < 10; level += 1) {
      levels.push(`  lol${level}: &lol${level} [${Array.from({ length: 10 }, () => `*lol${level - 1}`).join(', ')}]`);
    }
    const pipeline = writeCase('alias-bomb', { 'azure-pipelines.yml': `parameters:\n- name: bomb\n  type: object\n  default:\n${levels.map((line) => `  ${line}`).join('\n')}\nsteps:\n- script: echo\n` });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['YAML006']);
    expect(report.errors[0].message).toContain(String(MAX_ALIAS_EXPANSION_NODES));
    expect(report.errors[0]).toMatchObject({ file: 'azure-pipelines.yml', line: 6 });
  });

  it('rejects a 50 MB pipeline unread', async () => {
    const pipeline = writeCase('huge-pipeline', { 'azure-pipelines.yml': hugePipeline() });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['TPL007']);
    expect(report.errors[0]).toMatchObject({ file: 'azure-pipelines.yml', line: 1, column: 1 });
    expect(report.errors[0].message).toContain(`${MAX_TEMPLATE_TEXT_CHARACTERS} characters`);
    expect(report.errors[0].message).toContain(`${HUGE_FILE_BYTES} bytes`);
    expectFewBytesRead(report);
  });

  it('rejects a 50 MB template unread', async () => {
    const pipeline = writeCase('huge-template', {
      'azure-pipelines.yml': 'steps:\n- script: echo first\n- template: huge.yml\n',
      'huge.yml': hugePipeline(),
    });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['TPL007']);
    expect(report.errors[0]).toMatchObject({ file: 'azure-pipelines.yml', line: 3, column: 3 });
    expect(report.errors[0].message).toContain(`${MAX_TEMPLATE_TEXT_CHARACTERS} characters`);
    expectFewBytesRead(report);
  });

  it('rejects a 50 MB pipeline through the CLI', async () => {
    const pipeline = writeCase('huge-pipeline-cli', { 'azure-pipelines.yml': hugePipeline() });

    const result = await runSluice(['validate', 'azure-pipelines.yml', '--format', 'json'], {
      cwd: path.dirname(pipeline),
      env: { NODE_OPTIONS: HEAP_LIMIT_ARGUMENT },
    });
    const report = JSON.parse(result.stdout) as { diagnostics: { code: string; location: { line: number; column: number } }[] }[];

    expect(result.code).toBe(2);
    expect(report[0].diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['TPL007']);
    expect(report[0].diagnostics[0].location).toMatchObject({ line: 1, column: 1 });
  });

  it('rejects a parameter of the wrong type', async () => {
    const pipeline = writeCase('wrong-type', {
      'azure-pipelines.yml': 'steps:\n- template: build.yml\n  parameters:\n    retries: three\n',
      'build.yml': 'parameters:\n- name: retries\n  type: number\n  default: 1\nsteps:\n- script: echo ${{ parameters.retries }}\n',
    });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['TPL015']);
    expect(report.errors[0]).toMatchObject({ file: 'azure-pipelines.yml', line: 4, column: 14 });
    expect(report.errors[0].message).toContain('"retries"');
    expect(report.errors[0].message).toContain('number');
  });

  it('rejects each over a scalar', async () => {
    const pipeline = writeCase('each-over-scalar', {
      'azure-pipelines.yml': 'parameters:\n- name: names\n  type: string\n  default: a,b\nsteps:\n- ${{ each name in parameters.names }}:\n  - script: echo ${{ name }}\n',
    });

    const report = await loadInChild(pipeline);

    expect(report.errors.map((error) => error.code)).toEqual(['TPL011']);
    expect(report.errors[0]).toMatchObject({ file: 'azure-pipelines.yml', line: 6, column: 3 });
  });
});
