import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AgentClient, ServerResponseError, isTransientError } from '../../src/agent/agent-client.js';

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

/** Starts an HTTP server on loopback whose responses come from `handler`, and returns its base URL. */
async function startServer(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => handler(request, Buffer.concat(chunks), response));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the test server has no port');
  return { server, url: `http://127.0.0.1:${address.port}` };
}

describe('AgentClient', () => {
  let server: Server | undefined;
  let folder: string;

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'sluice-agent-client-'));
  });

  afterEach(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
    server = undefined;
    rmSync(folder, { recursive: true, force: true });
  });

  it('sends JSON with the bearer token', async () => {
    const seen: Array<{ method?: string; url?: string; authorization?: string; type?: string; body: string }> = [];
    const started = await startServer((request, body, response) => {
      seen.push({ method: request.method, url: request.url, authorization: request.headers.authorization, type: request.headers['content-type'], body: body.toString() });
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
    });
    server = started.server;

    const answer = await new AgentClient(`${started.url}/`, 'tok').json<{ ok: boolean }>('POST', '/api/x', { a: 1 });

    expect(answer).toEqual({ ok: true });
    expect(seen).toEqual([{ method: 'POST', url: '/api/x', authorization: 'Bearer tok', type: 'application/json', body: '{"a":1}' }]);
  });

  it('returns undefined for 204', async () => {
    const started = await startServer((_request, _body, response) => response.writeHead(204).end());
    server = started.server;

    const answer = await new AgentClient(started.url, 'tok').json('POST', '/api/agent/jobs/next', {});

    expect(answer).toBeUndefined();
  });

  it('turns an error body into ServerResponseError', async () => {
    const started = await startServer((_request, _body, response) => {
      response.writeHead(409, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'SRV005', message: 'taken', hint: 'use another name' } }));
    });
    server = started.server;

    const error = await new AgentClient(started.url, 'tok').json('POST', '/api/agent/register', {}).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(ServerResponseError);
    expect((error as ServerResponseError).status).toBe(409);
    expect((error as ServerResponseError).code).toBe('SRV005');
    expect((error as ServerResponseError).hint).toBe('use another name');
    expect(isTransientError(error)).toBe(false);
  });

  it('marks 503 as transient', async () => {
    const started = await startServer((_request, _body, response) => response.writeHead(503).end('down'));
    server = started.server;

    const error = await new AgentClient(started.url, 'tok').json('GET', '/api/x').catch((caught: unknown) => caught);

    expect((error as ServerResponseError).code).toBe('HTTP503');
    expect(isTransientError(error)).toBe(true);
  });

  it('marks a refused connection as transient', async () => {
    const started = await startServer((_request, _body, response) => response.end());
    const url = started.url;
    await new Promise((resolve) => started.server.close(resolve));

    const error = await new AgentClient(url, 'tok').json('GET', '/api/x').catch((caught: unknown) => caught);

    expect((error as NodeJS.ErrnoException).code).toBe('ECONNREFUSED');
    expect(isTransientError(error)).toBe(true);
  });

  it('rejects invalid JSON with AGT003', async () => {
    const started = await startServer((_request, _body, response) => response.writeHead(200).end('<html>'));
    server = started.server;

    const error = await new AgentClient(started.url, 'tok').json('GET', '/api/x').catch((caught: unknown) => caught);

    expect((error as { code?: string }).code).toBe('AGT003');
    expect(isTransientError(error)).toBe(false);
  });

  it('rejects with the abort reason', async () => {
    const started = await startServer(() => undefined);
    server = started.server;
    const controller = new AbortController();

    const pending = new AgentClient(started.url, 'tok').json('POST', '/api/agent/jobs/next', {}, controller.signal);
    controller.abort(new Error('agent stopping'));

    await expect(pending).rejects.toThrow('agent stopping');
  });

  it('uploads and downloads a file', async () => {
    let stored = Buffer.alloc(0);
    const started = await startServer((request, body, response) => {
      if (request.method === 'PUT') {
        stored = body;
        response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
        return;
      }
      response.writeHead(200, { 'content-type': 'application/octet-stream' }).end(stored);
    });
    server = started.server;
    const client = new AgentClient(started.url, 'tok');
    const source = join(folder, 'in.bin');
    const target = join(folder, 'out.bin');
    writeFileSync(source, Buffer.from('artifact bytes'));

    await client.uploadFile('/blob', source);
    await client.downloadFile('/blob', target);

    expect(stored.toString()).toBe('artifact bytes');
    expect(readFileSync(target, 'utf8')).toBe('artifact bytes');
  });
});
