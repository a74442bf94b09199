import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runRepoAddCommand } from '../../src/cli/commands/repo-command.js';
import { parseListenAddress } from '../../src/cli/commands/serve-command.js';
import { createTestRepository, startTestServer, type TestServer } from './server-test-helpers.js';

function bufferIo(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => out.push(text), stderr: (text) => err.push(text), isTerminal: false, color: false, cwd };
}

describe('sluice repo add', () => {
  const servers: TestServer[] = [];
  const folders: string[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.cleanup();
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });

  it('adds a local repository through the API with an absolute path', async () => {
    const test = await startTestServer({ localAgent: false });
    servers.push(test);
    createTestRepository(test.root, { 'ci/build.yml': 'steps:\n- script: echo hi\n' });
    const address = await test.server.listen();
    const io = bufferIo(test.root);

    const code = await runRepoAddCommand('repo', { yaml: 'ci/build.yml', server: address, token: test.adminToken }, io, {});

    expect(code).toBe(0);
    expect(io.out.join('')).toContain("Added pipeline 1 'repo'");
    const pipeline = (await test.request('GET', '/api/pipelines/1')).json();
    expect(pipeline).toMatchObject({ name: 'repo', repositoryUrl: join(test.root, 'repo'), yamlPath: 'ci/build.yml' });
  });

  it('writes to the store directly with --data', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-repo-'));
    folders.push(root);
    const io = bufferIo(root);

    const code = await runRepoAddCommand('https://example.invalid/team/tool.git', { data: join(root, 'data'), branch: 'develop' }, io, {});

    expect(code).toBe(0);
    const test = await startTestServer({ root, dataDir: join(root, 'data'), localAgent: false });
    servers.push(test);
    const pipelines = (await test.server.store.pipelines.list()).map((pipeline) => [pipeline.name, pipeline.repositoryUrl, pipeline.defaultBranch]);
    expect(pipelines).toEqual([['tool', 'https://example.invalid/team/tool.git', 'develop']]);
  });

  it('reports the API error code for a duplicate name', async () => {
    const test = await startTestServer({ localAgent: false });
    servers.push(test);
    const address = await test.server.listen();
    const io = bufferIo(test.root);
    await runRepoAddCommand('https://example.invalid/a.git', { name: 'same', server: address, token: test.adminToken }, io, {});

    const code = await runRepoAddCommand('https://example.invalid/b.git', { name: 'same', server: address, token: test.adminToken }, io, {});

    expect(code).toBe(2);
    expect(io.err.join('')).toContain('STORE010');
  });

  it('requires a server and token, or --data', async () => {
    const io = bufferIo(tmpdir());
    expect(await runRepoAddCommand('https://example.invalid/a.git', {}, io, {})).toBe(2);
    expect(io.err.join('')).toContain('CLI003');
  });
});

describe('sluice serve --listen', () => {
  it.each([
    ['127.0.0.1:9000', { host: '127.0.0.1', port: 9000 }],
    ['[::1]:8081', { host: '::1', port: 8081 }],
    ['9001', { host: '127.0.0.1', port: 9001 }],
    [undefined, { host: '127.0.0.1', port: 8080 }],
  ])('parses %s', (value, expected) => {
    expect(parseListenAddress(value)).toEqual(expected);
  });

  it.each(['localhost', '127.0.0.1:99999', ':x'])('rejects %s', (value) => {
    expect(parseListenAddress(value)).toMatch(/^invalid --listen/);
  });
});
