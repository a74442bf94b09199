import { createRequire } from 'node:module';
import { createReadStream, createWriteStream } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage, type OutgoingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgentError, AgentErrorCode } from './agent-error-codes.js';

/** First wait before retrying a request that failed on the network or with a 5xx status, in milliseconds. */
export const RETRY_FIRST_DELAY_MS = 250;

/** Maximum wait between retries, in milliseconds. */
export const RETRY_MAX_DELAY_MS = 10_000;

/**
 * Error codes of Node's socket and DNS layer that mean the server could not
 * be reached or the connection broke: a later attempt may succeed.
 */
const TRANSIENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
]);

/** An error response of the server: its status and the `{ error: { code, message, hint } }` body. */
export class ServerResponseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ServerResponseError';
  }

  /** True for responses that a retry may change: server errors and 429. */
  get isTransient(): boolean {
    return this.status >= 500 || this.status === 429;
  }
}

/** Returns whether an error from `AgentClient` is worth retrying: network failures and transient statuses. */
export function isTransientError(error: unknown): boolean {
  if (error instanceof ServerResponseError) return error.isTransient;
  const { name, code } = (error ?? {}) as { name?: unknown; code?: unknown };
  if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return true;
  return name === 'TimeoutError';
}

/** Returns the wait before retry number `attempt` (1-based): doubling from RETRY_FIRST_DELAY_MS up to RETRY_MAX_DELAY_MS. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_DELAY_MS, RETRY_FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
}

/** The `request` function and keep-alive pool of one URL scheme. */
interface Transport {
  request: typeof httpRequest;
  agent: HttpAgent;
}

let httpTransport: Transport | undefined;
let httpsTransport: Promise<Transport> | undefined;

/**
 * Returns the transport of `http:` or `https:`, created on first use and
 * shared by every client, so sockets are reused across requests. `node:https`
 * is imported only for an https URL because it loads TLS.
 */
async function transportFor(url: URL): Promise<Transport> {
  if (url.protocol === 'http:') {
    httpTransport ??= { request: httpRequest, agent: new HttpAgent({ keepAlive: true }) };
    return httpTransport;
  }
  if (url.protocol === 'https:') {
    // require() rather than import(): the CommonJS bundle cannot run import() (see bin/sluice.js).
    httpsTransport ??= Promise.resolve(createRequire(import.meta.url)('node:https') as typeof import('node:https')).then((https) => ({
      request: https.request as typeof httpRequest,
      agent: new https.Agent({ keepAlive: true }),
    }));
    return httpsTransport;
  }
  throw new AgentError(AgentErrorCode.InvalidOption, `unsupported server URL scheme '${url.protocol}' in ${url.origin}`, 'use an http:// or https:// URL for --url');
}

/**
 * HTTP client of the agent protocol. Sends JSON with the bearer token and
 * turns error responses into ServerResponseError. It does not retry: callers
 * decide, because a retried claim or completion needs care.
 *
 * It uses `node:http` rather than the global `fetch`: loading fetch (undici and
 * its WebAssembly HTTP parser) added about 12 MB to the RSS of an idle agent
 * (Node 20.20, VmRSS after 3 s idle, bench/server-dispatch.js).
 */
export class AgentClient {
  private readonly baseUrl: string;

  constructor(
    baseUrl: string,
    private token: string,
  ) {
    this.baseUrl = baseUrl.replace(/\/+$/, '');
  }

  /** Replaces the bearer token, after registration. */
  useToken(token: string): void {
    this.token = token;
  }

  /** Sends a JSON request; returns the parsed body, or undefined for 204. */
  async json<T>(method: 'GET' | 'POST' | 'PUT', path: string, body?: unknown, signal?: AbortSignal): Promise<T | undefined> {
    const headers: OutgoingHttpHeaders = { authorization: `Bearer ${this.token}` };
    let text: string | undefined;
    if (body !== undefined) {
      text = JSON.stringify(body);
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(text);
    }
    const response = await this.send(method, path, headers, text, signal);
    const received = await readText(response);
    if (response.statusCode === 204) return undefined;
    try {
      return JSON.parse(received) as T;
    } catch (error) {
      throw new AgentError(AgentErrorCode.ProtocolError, `${method} ${path} returned invalid JSON (status ${response.statusCode})`, 'check that --url points at a Sluice server', { cause: error });
    }
  }

  /** Streams a local file to the server as the request body. */
  async uploadFile(path: string, file: string, signal?: AbortSignal): Promise<void> {
    const headers = { authorization: `Bearer ${this.token}`, 'content-type': 'application/octet-stream' };
    const response = await this.send('PUT', path, headers, createReadStream(file), signal);
    response.resume();
  }

  /** Streams a response body into a local file. */
  async downloadFile(path: string, file: string, signal?: AbortSignal): Promise<void> {
    const response = await this.send('GET', path, { authorization: `Bearer ${this.token}` }, undefined, signal);
    await pipeline(response, createWriteStream(file, { mode: 0o600 }), signal === undefined ? {} : { signal });
  }

  /**
   * Sends one request and resolves with the response once its headers arrive;
   * a status of 400 or more is read and thrown as ServerResponseError. When
   * `signal` aborts, the request is destroyed and rejects with the signal's reason.
   */
  private async send(method: string, path: string, headers: OutgoingHttpHeaders, body: string | Readable | undefined, signal?: AbortSignal): Promise<IncomingMessage> {
    const url = new URL(`${this.baseUrl}${path}`);
    const transport = await transportFor(url);
    const response = await new Promise<IncomingMessage>((resolve, reject) => {
      const request = transport.request(url, { method, headers, agent: transport.agent });
      const onAbort = (): void => {
        request.destroy(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason)));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      request.once('close', () => signal?.removeEventListener('abort', onAbort));
      // The signal may have aborted while the transport was loading.
      if (signal?.aborted === true) onAbort();
      request.on('error', reject);
      request.once('response', resolve);
      if (typeof body === 'string' || body === undefined) {
        request.end(body);
        return;
      }
      pipeline(body, request).catch((error: unknown) => {
        request.destroy(error as Error);
        reject(error as Error);
      });
    });
    if ((response.statusCode ?? 0) >= 400) throw responseError(response.statusCode ?? 0, await readText(response).catch(() => ''));
    return response;
  }
}

/** Reads a whole response body as UTF-8 text. */
async function readText(response: IncomingMessage): Promise<string> {
  response.setEncoding('utf8');
  let text = '';
  for await (const chunk of response) text += chunk as string;
  return text;
}

function responseError(status: number, text: string): ServerResponseError {
  let parsed: { error?: { code?: string; message?: string; hint?: string } } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const code = parsed?.error?.code ?? `HTTP${status}`;
  const message = parsed?.error?.message ?? `the server returned status ${status}`;
  return new ServerResponseError(status, code, message, parsed?.error?.hint);
}
