import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEB_DIR_ENV } from '../../src/server/routes/web-routes.js';
import { startTestServer, type TestServer } from '../server/server-test-helpers.js';

const INDEX_HTML = '<!doctype html><title>Sluice test UI</title><main id="main"></main>';
const SCRIPT = 'console.log("ui");';

describe('web routes', () => {
  let root: string;
  let test: TestServer;
  const previousWebDir = process.env[WEB_DIR_ENV];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'sluice-web-routes-'));
    const webDir = join(root, 'web');
    mkdirSync(join(webDir, 'assets'), { recursive: true });
    writeFileSync(join(webDir, 'index.html'), INDEX_HTML);
    writeFileSync(join(webDir, 'assets', 'index-abc123.js'), SCRIPT);
    writeFileSync(join(root, 'outside.txt'), 'outside the web folder');
    process.env[WEB_DIR_ENV] = webDir;
    test = await startTestServer({ root, localAgent: false });
  });

  afterAll(async () => {
    await test.cleanup();
    if (previousWebDir === undefined) delete process.env[WEB_DIR_ENV];
    else process.env[WEB_DIR_ENV] = previousWebDir;
    rmSync(root, { recursive: true, force: true });
  });

  function get(url: string) {
    return test.server.app.inject({ method: 'GET', url });
  }

  it('serves index.html at / without a token', async () => {
    const response = await get('/');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(response.body).toBe(INDEX_HTML);
    expect(response.headers['cache-control']).toBe('no-cache');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers client-side routes with index.html', async () => {
    for (const path of ['/pipelines', '/pipelines/3', '/runs/12?record=Build.Compile.1', '/agents']) {
      const response = await get(path);
      expect(response.statusCode, path).toBe(200);
      expect(response.body, path).toBe(INDEX_HTML);
    }
  });

  it('serves hashed assets with a long cache', async () => {
    const response = await get('/assets/index-abc123.js');
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.body).toBe(SCRIPT);
  });

  it('answers a missing asset with 404, not HTML', async () => {
    const response = await get('/assets/index-missing.js');
    expect(response.statusCode).toBe(404);
    expect(response.headers['content-type']).toBe('text/plain; charset=utf-8');
    expect(response.body).toContain('/assets/index-missing.js');
  });

  it('serves no file outside its folder', async () => {
    for (const path of ['/..%2Foutside.txt', '/%2e%2e/outside.txt', '/assets/..%2F..%2Foutside.txt']) {
      const response = await get(path);
      expect(response.statusCode, path).toBe(404);
      expect(response.body, path).not.toContain('outside the web folder');
    }
  });

  it('keeps the JSON 404 for unknown API routes', async () => {
    const response = await get('/api/no-such-route');
    expect(response.statusCode).toBe(404);
    expect(response.json().error.code).toBe('SRV003');
  });

  it('still requires a token for API routes', async () => {
    const response = await get('/api/pipelines');
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('SRV001');
  });
});

describe('web routes without a build', () => {
  it('explains how to build the UI', async () => {
    const root = mkdtempSync(join(tmpdir(), 'sluice-web-unbuilt-'));
    const previous = process.env[WEB_DIR_ENV];
    process.env[WEB_DIR_ENV] = join(root, 'missing');
    const test = await startTestServer({ root, localAgent: false });
    try {
      const response = await test.server.app.inject({ method: 'GET', url: '/runs/1' });
      expect(response.statusCode).toBe(503);
      expect(response.body).toContain('npm run build');
    } finally {
      await test.cleanup();
      if (previous === undefined) delete process.env[WEB_DIR_ENV];
      else process.env[WEB_DIR_ENV] = previous;
      rmSync(root, { recursive: true, force: true });
    }
  });
});
