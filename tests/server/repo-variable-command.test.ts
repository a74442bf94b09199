import { afterEach, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runRepoVariableSetCommand } from '../../src/cli/commands/repo-command.js';
import { startTestServer, type TestServer } from './server-test-helpers.js';

const SECRET = 'cli-secret-3e9a71';

function bufferIo(cwd: string): CliIo & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, stdout: (text) => out.push(text), stderr: (text) => err.push(text), isTerminal: false, color: false, cwd };
}

describe('sluice repo variable set', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.cleanup();
  });

  async function start(): Promise<{ test: TestServer; address: string }> {
    const test = await startTestServer({ localAgent: false });
    servers.push(test);
    await test.request('POST', '/api/pipelines', { name: 'widget', repositoryUrl: 'https://example.invalid/widget.git' });
    return { test, address: await test.server.listen() };
  }

  it('reads a secret from standard input', async () => {
    const { test, address } = await start();
    const io = bufferIo(test.root);

    const code = await runRepoVariableSetCommand('apiKey', { pipeline: 'widget', secret: true, server: address, token: test.adminToken }, io, {}, async () => `${SECRET}\n`);

    expect(code).toBe(0);
    expect(io.out.join('')).toBe("Set variable 'apiKey' of pipeline 1 (secret)\n");
    expect(io.out.join('') + io.err.join('')).not.toContain(SECRET);
    const [stored] = await test.server.store.db
      .withTables<{ pipeline_variables: { name: string; value: string | null; is_secret: number } }>()
      .selectFrom('pipeline_variables')
      .select(['name', 'value', 'is_secret'])
      .execute();
    expect(stored).toEqual({ name: 'apiKey', value: null, is_secret: 1 });
  });

  it('sets a plain value by pipeline id', async () => {
    const { test, address } = await start();
    const io = bufferIo(test.root);

    const code = await runRepoVariableSetCommand('region', { pipeline: '1', value: 'eu-west', allowOverride: true, server: address, token: test.adminToken }, io, {});

    expect(code).toBe(0);
    expect(io.out.join('')).toBe("Set variable 'region' of pipeline 1 (plain, settable at queue time)\n");
    const listed = (await test.request('GET', '/api/pipelines/1/variables')).json().variables;
    expect(listed).toEqual([expect.objectContaining({ name: 'region', value: 'eu-west', allowOverride: true })]);
  });

  it('reports an unknown pipeline and an invalid name', async () => {
    const { test, address } = await start();
    const io = bufferIo(test.root);

    const unknown = await runRepoVariableSetCommand('region', { pipeline: 'gadget', value: 'x', server: address, token: test.adminToken }, io, {});
    const invalid = await runRepoVariableSetCommand('secretThing', { pipeline: 'widget', value: 'x', server: address, token: test.adminToken }, io, {});

    expect(unknown).toBe(2);
    expect(invalid).toBe(2);
    const errors = io.err.join('');
    expect(errors).toContain("no pipeline named 'gadget'");
    expect(errors).toContain('STORE017');
  });
});
