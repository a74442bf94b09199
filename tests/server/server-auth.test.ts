import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './server-test-helpers.js';

describe('server authentication', () => {
  const servers: TestServer[] = [];
  afterEach(async () => {
    for (const server of servers.splice(0).reverse()) await server.cleanup();
  });
  async function start(options: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
    const server = await startTestServer({ localAgent: false, ...options });
    servers.push(server);
    return server;
  }

  it('rejects a request without a token', async () => {
    const test = await start();
    const response = await test.server.app.inject({ method: 'GET', url: '/api/pipelines' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SRV001');
    expect(response.json().error.hint).toContain('Authorization: Bearer');
  });

  it('rejects an unknown token', async () => {
    const test = await start();
    const response = await test.request('GET', '/api/pipelines', undefined, 'slp_not-a-real-token');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SRV001');
  });

  it('rejects a malformed authorization header', async () => {
    const test = await start();
    const response = await test.server.app.inject({ method: 'GET', url: '/api/runs', headers: { authorization: `Basic ${test.adminToken}` } });
    expect(response.statusCode).toBe(401);
  });

  it('serves /healthz without a token', async () => {
    const test = await start();
    const response = await test.server.app.inject({ method: 'GET', url: '/healthz' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok', dialect: 'sqlite' });
  });

  it('requires a token for /metrics', async () => {
    const test = await start();
    const response = await test.server.app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(401);
  });

  it('stores tokens only as SHA-256 hashes', async () => {
    const test = await start();
    const created = await test.request('POST', '/api/tokens', { kind: 'personal', name: 'alice' });
    expect(created.statusCode).toBe(201);
    const personal = created.json().token as string;
    expect(personal).toMatch(/^slp_/);

    const rows = await test.server.store.db.selectFrom('tokens').selectAll().execute();
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(personal);
    expect(stored).not.toContain(test.adminToken);
    const hashes = rows.map((row) => row.token_hash);
    expect(hashes).toContain(createHash('sha256').update(personal).digest('hex'));
    expect(hashes).toContain(createHash('sha256').update(test.adminToken).digest('hex'));
  });

  it('lets a personal token use the API but not admin routes', async () => {
    const test = await start();
    const personal = (await test.request('POST', '/api/tokens', { kind: 'personal', name: 'bob' })).json().token as string;

    expect((await test.request('GET', '/api/pipelines', undefined, personal)).statusCode).toBe(200);
    const forbidden = await test.request('POST', '/api/tokens', { kind: 'personal', name: 'eve' }, personal);
    expect(forbidden.statusCode).toBe(403);
    expect(forbidden.json().error.code).toBe('SRV002');
  });

  it('rejects agent registration tokens on user routes', async () => {
    const test = await start();
    const registration = (await test.request('POST', '/api/tokens', { kind: 'agentRegistration', name: 'build-host' })).json().token as string;
    expect(registration).toMatch(/^slr_/);
    const response = await test.request('GET', '/api/runs', undefined, registration);
    expect(response.statusCode).toBe(403);
  });

  it('rejects a revoked token', async () => {
    const test = await start();
    const created = (await test.request('POST', '/api/tokens', { kind: 'personal', name: 'carol' })).json();
    expect((await test.request('DELETE', `/api/tokens/${created.record.id}`)).statusCode).toBe(204);
    expect((await test.request('GET', '/api/pipelines', undefined, created.token)).statusCode).toBe(401);
  });

  it('prints the admin token only at first start', async () => {
    const first = await start();
    const firstToken = first.adminToken;
    expect(firstToken).toMatch(/^sla_/);
    await first.server.close();

    const printed: string[] = [];
    const second = await start({ root: first.root, dataDir: first.dataDir, onAdminToken: (token) => printed.push(token) });
    expect(printed).toEqual([]);
    const response = await second.server.app.inject({ method: 'GET', url: '/api/pipelines', headers: { authorization: `Bearer ${firstToken}` } });
    expect(response.statusCode).toBe(200);
  });

  it('reports an unknown route as JSON', async () => {
    const test = await start();
    const response = await test.request('GET', '/api/nothing-here');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('SRV003');
  });

  it('rejects an invalid body with SRV004', async () => {
    const test = await start();
    const response = await test.request('POST', '/api/pipelines', { name: 'x' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('SRV004');
    expect(response.json().error.message).toContain('repositoryUrl');
  });

  it('rejects a relative repository path', async () => {
    const test = await start();
    const response = await test.request('POST', '/api/pipelines', { name: 'x', repositoryUrl: 'some/folder' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain('must be absolute');
  });
});
