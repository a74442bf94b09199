import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { findUnsupportedTasks } from '../../../src/runner/task-registry.js';
import { loadTaskPackages } from '../../../src/runner/task-packages/load-task-packages.js';
import { parseServiceConnections } from '../../../src/runner/tasks/service-connections.js';
import { bash, cleanupTempDirs, makeRequest, makeTempDir, runJob, taskStep, variable } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

const REPO_NODE_MODULES = resolve(import.meta.dirname, '../../../node_modules');

/** The task script, written against azure-pipelines-task-lib as a real task would be. */
const GREET_TASK = `
const tl = require('azure-pipelines-task-lib/task');
const greeting = tl.getInput('greeting', true);
const punctuation = tl.getInput('punctuation', false);
console.log('greeting: ' + greeting + punctuation);
console.log('db secret seen: ' + (tl.getVariable('db.password') === 'S3cr3t-db-pass'));
console.log('public variable: ' + tl.getVariable('Build.Reason'));
const connection = tl.getInput('connection', false);
if (connection) {
  console.log('endpoint url: ' + tl.getEndpointUrl(connection, false));
  console.log('endpoint user: ' + tl.getEndpointAuthorizationParameter(connection, 'username', false));
  console.log('endpoint password ok: ' + (tl.getEndpointAuthorizationParameter(connection, 'password', false) === 'conn-pass-123'));
}
tl.setVariable('greetingOut', greeting.toUpperCase());
tl.setVariable('token', 'generated-token-777', true);
console.log('printing token generated-token-777');
if (tl.getBoolInput('shouldFail', false)) {
  tl.setResult(tl.TaskResult.Failed, 'asked to fail');
} else {
  tl.setResult(tl.TaskResult.Succeeded, 'done');
}
`;

const GREET_JSON = {
  id: '1b3c6b4e-6d0a-4c5e-9f7e-2a1d3c4b5a60',
  name: 'GreetTask',
  friendlyName: 'Greet',
  version: { Major: 1, Minor: 2, Patch: 3 },
  inputs: [
    { name: 'greeting', aliases: ['message'], type: 'string', required: true },
    { name: 'punctuation', type: 'string', defaultValue: '!', required: false },
    { name: 'shouldFail', type: 'boolean', defaultValue: false },
    { name: 'connection', type: 'connectedService:generic', required: false },
    { name: 'scriptFile', type: 'string', required: true, visibleRule: 'mode = file' },
  ],
  outputVariables: [{ name: 'greetingOut', description: 'the greeting in capitals' }],
  execution: { Node10: { target: 'old.js' }, Node20_1: { target: 'index.js', argumentFormat: '' } },
  postjobexecution: { Node20_1: { target: 'post.js' } },
};

/** Writes a task package folder with its own package.json and a node_modules link to the repository's packages. */
function writeTask(root: string, folder: string, taskJson: unknown, files: Record<string, string>): string {
  const dir = join(root, folder);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'task.json'), typeof taskJson === 'string' ? taskJson : JSON.stringify(taskJson, null, 2));
  writeFileSync(join(dir, 'package.json'), '{ "name": "task", "type": "commonjs" }');
  symlinkSync(REPO_NODE_MODULES, join(dir, 'node_modules'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

async function greetPackage(): Promise<Awaited<ReturnType<typeof loadTaskPackages>>> {
  const root = makeTempDir();
  writeTask(root, 'greet', GREET_JSON, { 'index.js': GREET_TASK, 'post.js': "console.log('post-job ran for ' + process.env.INPUT_GREETING);" });
  return loadTaskPackages([root]);
}

describe('task packages', () => {
  it('run with inputs, outputs and secrets', async () => {
    const { tasks, diagnostics } = await greetPackage();
    expect(diagnostics).toEqual([]);
    expect(tasks.map((task) => task.execution.kind)).toEqual(['Node20_1']);

    const request = makeRequest(
      [taskStep('GreetTask', '1', { message: 'hello' }, { name: 'greet' }), bash('echo "out=$(greet.greetingOut) token=$(token)"')],
      { variables: { 'db.password': variable('S3cr3t-db-pass', true), 'Build.Reason': variable('Manual') } },
    );
    const run = await runJob(request, { taskPackages: tasks });

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toContain('greeting: hello!');
    expect(run.lines(1)).toContain('db secret seen: true');
    expect(run.lines(1)).toContain('public variable: Manual');
    expect(run.lines(1)).toContain('printing token ***');
    expect(run.lines(2)).toEqual(['out=HELLO token=***']);
    expect(run.outcome.outputs['greet.greetingOut']).toBe('HELLO');
    expect(JSON.stringify(run.events)).not.toContain('generated-token-777');
    expect(JSON.stringify(run.events)).not.toContain('S3cr3t-db-pass');
  });

  it('fail when the task asks', async () => {
    const { tasks } = await greetPackage();
    const run = await runJob(makeRequest([taskStep('GreetTask', '1', { greeting: 'x', shouldFail: 'true' })]), { taskPackages: tasks });

    expect(run.outcome.result).toBe('failed');
    expect(run.events.some((event) => event.type === 'issue' && event.issueType === 'error' && event.message === 'asked to fail')).toBe(true);
    expect(run.finished(1)?.reason).toContain('task.complete set the result to failed');
  });

  it('check required inputs first', async () => {
    const { tasks } = await greetPackage();
    const run = await runJob(makeRequest([taskStep('GreetTask', '1', { punctuation: '?' })]), { taskPackages: tasks });

    expect(run.outcome.result).toBe('failed');
    expect(run.events.find((event) => event.type === 'issue')).toMatchObject({ code: 'RUN016' });
    expect(run.finished(1)?.reason).toBe("GreetTask@1: required input 'greeting' (alias 'message') is missing; add it under 'inputs:'");
  });

  it('require inputs made visible by their rule', async () => {
    const { tasks } = await greetPackage();
    const run = await runJob(makeRequest([taskStep('GreetTask', '1', { greeting: 'x', mode: 'file' })]), { taskPackages: tasks });

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain("required input 'scriptFile'");
  });

  it('pass service connections as endpoints', async () => {
    const { tasks } = await greetPackage();
    const { connections } = parseServiceConnections(
      JSON.stringify({ serviceConnections: { myApi: { id: 'conn-1', url: 'https://api.example.test/', parameters: { username: 'bob', password: 'conn-pass-123' } } } }),
      'c.json',
    );
    const run = await runJob(makeRequest([taskStep('GreetTask', '1', { greeting: 'x', connection: 'myApi' })]), { taskPackages: tasks, serviceConnections: connections });

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toContain('endpoint url: https://api.example.test/');
    expect(run.lines(1)).toContain('endpoint user: bob');
    expect(run.lines(1)).toContain('endpoint password ok: true');
  });

  it('run the post-job handler', async () => {
    const { tasks } = await greetPackage();
    const run = await runJob(makeRequest([taskStep('GreetTask', '1', { greeting: 'bye' })]), { taskPackages: tasks });
    const post = run.events.find((event) => event.type === 'record-finished' && event.record.displayName === 'Post-job: GreetTask');

    expect(post).toMatchObject({ result: 'succeeded', record: { id: 'Build.Job.2' } });
    expect(run.lines(2)).toEqual(['post-job ran for bye']);
  });

  it('resolve by GUID and count as supported', async () => {
    const { tasks } = await greetPackage();
    const step = taskStep(GREET_JSON.id, '1', { greeting: 'by id' });

    expect(findUnsupportedTasks([step], tasks)).toEqual([]);
    expect(findUnsupportedTasks([step])).toHaveLength(1);
    const run = await runJob(makeRequest([step]), { taskPackages: tasks });
    expect(run.lines(1)).toContain('greeting: by id!');
  });

  it('apply settableVariables restrictions', async () => {
    const root = makeTempDir();
    writeTask(
      root,
      'limited',
      { id: 'a1', name: 'Limited', version: { Major: 0, Minor: 1, Patch: 0 }, restrictions: { settableVariables: { allowed: ['ok'] } }, execution: { Node16: { target: 'run.js' } } },
      { 'run.js': "console.log('##vso[task.setvariable variable=ok]1');\nconsole.log('##vso[task.setvariable variable=other]2');\nconsole.log('##vso[task.prependpath]/opt/x');" },
    );
    const { tasks } = await loadTaskPackages([root]);
    const run = await runJob(makeRequest([taskStep('Limited', '0', {}), bash('echo "ok=${OK-unset} other=${OTHER-unset}"')]), { taskPackages: tasks });
    const warnings = run.events.filter((event) => event.type === 'issue' && event.code === 'RUN025');

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['ok=1 other=unset']);
    expect(warnings).toHaveLength(2);
  });

  it('apply restricted command mode', async () => {
    const root = makeTempDir();
    writeTask(
      root,
      'strict',
      { id: 'b2', name: 'Strict', version: { Major: 1 }, restrictions: { commands: { mode: 'restricted' } }, execution: { Node: { target: 'run.js' } } },
      { 'run.js': "console.log('##vso[build.addbuildtag]nope');\nconsole.log('##vso[task.setvariable variable=fine]yes');" },
    );
    const { tasks } = await loadTaskPackages([root]);
    const run = await runJob(makeRequest([taskStep('Strict', '1', {}), bash('echo "fine=$FINE"')]), { taskPackages: tasks });

    expect(run.lines(2)).toEqual(['fine=yes']);
    expect(run.events.some((event) => event.type === 'issue' && event.code === 'RUN025' && event.message.includes('build.addbuildtag'))).toBe(true);
  });
});

describe('loadTaskPackages', () => {
  it('reports every broken package', async () => {
    const root = makeTempDir();
    writeTask(root, 'a-missing-file', { id: 'c3', name: 'MissingFile', version: { Major: 1 }, execution: { Node20_1: { target: 'gone.js' } } }, {});
    writeTask(root, 'b-no-handler', { id: 'd4', name: 'NoHandler', version: { Major: 1 }, execution: { PowerShell3: { target: 'x.ps1' } } }, {});
    writeTask(root, 'c-bad-json', '{ "id": ', {});
    writeTask(root, 'd-no-name', { id: 'e5', version: { Major: 1 }, execution: { Node: { target: 'i.js' } } }, { 'i.js': '' });
    writeTask(root, 'e-good', { id: 'f6', name: 'Good', version: { Major: 2 }, execution: { Node: { target: 'i.js' } } }, { 'i.js': '' });
    writeTask(root, 'f-duplicate', { id: 'f6', name: 'Good', version: { Major: 2 }, execution: { Node: { target: 'i.js' } } }, { 'i.js': '' });
    const empty = makeTempDir();

    const { tasks, diagnostics } = await loadTaskPackages([root, empty]);

    expect(tasks.map((task) => task.definition.name)).toEqual(['Good']);
    expect(diagnostics.map((item) => item.code)).toEqual(['TPK006', 'TPK005', 'TPK003', 'TPK004', 'TPK007', 'TPK001']);
    expect(diagnostics[0]?.message).toContain(join(root, 'a-missing-file', 'gone.js'));
    expect(diagnostics[0]?.location?.file).toBe(join(root, 'a-missing-file', 'task.json'));
    expect(diagnostics[1]?.message).toContain('PowerShell3');
    expect(diagnostics[3]?.message).toContain("'name'");
    expect(diagnostics[5]?.message).toContain(empty);
  });

  it('accepts a folder that is itself a task', async () => {
    const root = makeTempDir();
    const dir = writeTask(root, 'single', { id: 'g7', name: 'Single', version: { Major: 3 }, execution: { Node16: { target: 'i.js' } } }, { 'i.js': '' });
    const { tasks, diagnostics } = await loadTaskPackages([dir]);

    expect(diagnostics).toEqual([]);
    expect(tasks[0]?.definition).toMatchObject({ name: 'Single', id: 'g7', version: { major: 3, minor: 0, patch: 0 } });
  });
});
