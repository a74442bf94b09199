import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { makeTempDir, cleanupTempDirs } from '../runner/runner-test-helpers.js';
import { removeBadRunFolders, runBadPipeline } from './bad-pipeline-run.js';

afterEach(() => {
  removeBadRunFolders();
  cleanupTempDirs();
});

/** Writes `task.json` into a new folder under `root` and returns the folder. */
function taskFolder(root: string, name: string, definition: object): string {
  const folder = join(root, name);
  mkdirSync(folder, { recursive: true });
  writeFileSync(join(folder, 'task.json'), JSON.stringify(definition, null, 2));
  return folder;
}

describe('a task package whose task.json has a missing handler', () => {
  it('refuses to run with TPK006 and TPK005, naming each task.json, before any step', async () => {
    const root = makeTempDir('sluice-bad-tasks-');
    // The handler names a script that was never built.
    const unbuilt = taskFolder(root, 'greet', {
      id: '0c8a5f8e-3b7a-4a57-9a55-2f0e3c1b7d01',
      name: 'GreetUser',
      version: { Major: 1, Minor: 0, Patch: 0 },
      inputs: [{ name: 'who', type: 'string', required: true }],
      execution: { Node20_1: { target: 'dist/index.js' } },
    });
    // No execution handler at all.
    const empty = taskFolder(root, 'empty', {
      id: '0c8a5f8e-3b7a-4a57-9a55-2f0e3c1b7d02',
      name: 'NoHandler',
      version: { Major: 1, Minor: 0, Patch: 0 },
      execution: {},
    });
    const yaml = ['steps:', '- task: GreetUser@1', '  inputs:', '    who: world', ''].join('\n');

    const run = await runBadPipeline({ 'azure-pipelines.yml': yaml }, ['--tasks', unbuilt, '--tasks', empty]);

    expect(run.code).toBe(2);
    // Nothing ran: the only line on stdout is the JSON error record.
    expect(run.events.map((event) => event.type)).toEqual(['error']);
    // Both problems are reported, each at its file, with a hint.
    expect(run.stderr).toContain(`${join(unbuilt, 'task.json')}:1:1: error TPK006: the Node20_1 handler`);
    expect(run.stderr).toContain(`names '${join(unbuilt, 'dist', 'index.js')}', which does not exist`);
    expect(run.stderr).toContain(`${join(empty, 'task.json')}:1:1: error TPK005:`);
    expect(run.stderr).toContain('has no Node execution handler');
    expect(run.stderr.match(/hint: /g)).toHaveLength(2);
  });
});
