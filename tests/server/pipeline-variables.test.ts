import { sql } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './server-test-helpers.js';

const SECRET = 'pipeline-secret-5c1f0e';

describe('pipeline variables API', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.cleanup();
  });

  async function startWithPipeline(): Promise<{ test: TestServer; pipelineId: number }> {
    const test = await startTestServer({ localAgent: false });
    servers.push(test);
    const created = await test.request('POST', '/api/pipelines', { name: 'widget', repositoryUrl: 'https://example.invalid/widget.git' });
    return { test, pipelineId: created.json().id as number };
  }

  it('stores secrets encrypted and never returns them', async () => {
    const { test, pipelineId } = await startWithPipeline();

    const setSecret = await test.request('PUT', `/api/pipelines/${pipelineId}/variables/apiKey`, { value: SECRET, isSecret: true });
    const setPlain = await test.request('PUT', `/api/pipelines/${pipelineId}/variables/region`, { value: 'eu-west', allowOverride: true });

    expect(setSecret.statusCode).toBe(200);
    expect(setSecret.json()).toMatchObject({ name: 'apiKey', isSecret: true, allowOverride: false });
    expect(setSecret.json()).not.toHaveProperty('value');
    expect(setSecret.body).not.toContain(SECRET);
    expect(setPlain.json()).toMatchObject({ name: 'region', value: 'eu-west', isSecret: false, allowOverride: true });

    const listed = await test.request('GET', `/api/pipelines/${pipelineId}/variables`);
    expect(listed.statusCode).toBe(200);
    expect(listed.body).not.toContain(SECRET);
    expect(listed.json().variables.map((variable: { name: string; value?: string }) => [variable.name, variable.value])).toEqual([
      ['apiKey', undefined],
      ['region', 'eu-west'],
    ]);

    const rows = await sql<Record<string, unknown>>`select * from pipeline_variables order by name_key`.execute(test.server.store.db);
    expect(rows.rows).toHaveLength(2);
    expect(JSON.stringify(rows.rows)).not.toContain(SECRET);
    expect(rows.rows[0]!.value).toBeNull();
    expect(String(rows.rows[0]!.value_sealed)).toMatch(/^v1:/);
    expect(rows.rows[1]!.value).toBe('eu-west');
  });

  it('keeps a secret when set without a value', async () => {
    const { test, pipelineId } = await startWithPipeline();
    await test.request('PUT', `/api/pipelines/${pipelineId}/variables/apiKey`, { value: SECRET, isSecret: true });

    const flagsOnly = await test.request('PUT', `/api/pipelines/${pipelineId}/variables/APIKEY`, { isSecret: true, allowOverride: true });
    expect(flagsOnly.statusCode).toBe(200);
    expect(flagsOnly.json()).toMatchObject({ name: 'APIKEY', isSecret: true, allowOverride: true });

    const unlocked = await test.request('PUT', `/api/pipelines/${pipelineId}/variables/apiKey`, { isSecret: false });
    expect(unlocked.statusCode).toBe(400);
    expect(unlocked.json().error.code).toBe('STORE017');
    expect(unlocked.body).not.toContain(SECRET);

    const listed = (await test.request('GET', `/api/pipelines/${pipelineId}/variables`)).json().variables;
    expect(listed).toEqual([expect.objectContaining({ name: 'APIKEY', isSecret: true, allowOverride: true })]);
  });

  it('rejects invalid and reserved names', async () => {
    const { test, pipelineId } = await startWithPipeline();
    const cases = ['bad%20name', 'secretToken', 'Build.BuildId', '.hidden'];

    for (const name of cases) {
      const response = await test.request('PUT', `/api/pipelines/${pipelineId}/variables/${name}`, { value: 'x' });
      expect(response.statusCode, name).toBe(400);
      expect(response.json().error.code, name).toBe('STORE017');
      expect(response.json().error.hint, name).toBeTruthy();
    }
    const missingValue = await test.request('PUT', `/api/pipelines/${pipelineId}/variables/fresh`, {});
    expect(missingValue.statusCode).toBe(400);
    expect(missingValue.json().error.message).toContain("'fresh' does not exist");
  });

  it('deletes a variable and reports unknown ones', async () => {
    const { test, pipelineId } = await startWithPipeline();
    await test.request('PUT', `/api/pipelines/${pipelineId}/variables/region`, { value: 'eu-west' });

    expect((await test.request('DELETE', `/api/pipelines/${pipelineId}/variables/REGION`)).statusCode).toBe(204);
    const again = await test.request('DELETE', `/api/pipelines/${pipelineId}/variables/region`);
    expect(again.statusCode).toBe(404);
    expect(again.json().error.code).toBe('SRV003');
    const unknownPipeline = await test.request('GET', '/api/pipelines/999/variables');
    expect(unknownPipeline.statusCode).toBe(404);
    expect(unknownPipeline.json().error.code).toBe('SRV003');
  });

  it('rejects queue-time values without allowOverride', async () => {
    const { test, pipelineId } = await startWithPipeline();
    await test.request('PUT', `/api/pipelines/${pipelineId}/variables/apiKey`, { value: SECRET, isSecret: true });

    const queued = await test.request('POST', `/api/pipelines/${pipelineId}/runs`, { variables: { APIKEY: 'replacement' } });

    expect(queued.statusCode).toBe(400);
    expect(queued.json().error.code).toBe('SRV004');
    expect(queued.json().error.message).toContain("'APIKEY'");
    expect(queued.body).not.toContain(SECRET);
    expect(await test.server.store.runs.list({ pipelineId, limit: 10 })).toEqual([]);
  });

  it('accepts personal tokens and rejects missing ones', async () => {
    const { test, pipelineId } = await startWithPipeline();
    const created = await test.request('POST', '/api/tokens', { kind: 'personal', name: 'alice' });
    const personal = created.json().token as string;

    const set = await test.request('PUT', `/api/pipelines/${pipelineId}/variables/region`, { value: 'eu-west' }, personal);
    expect(set.statusCode).toBe(200);
    const anonymous = await test.server.app.inject({ method: 'GET', url: `/api/pipelines/${pipelineId}/variables` });
    expect(anonymous.statusCode).toBe(401);
  });
});
