import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { AgentError, AgentErrorCode } from './agent-error-codes.js';

/** First wait before retrying a request that failed on the network or with a 5xx status, in milliseconds. */
export const RETRY_FIRST_DELAY_MS = 250;

/** Maximum wait between retries, in milliseconds. */
export const RETRY_MAX_DELAY_MS = 10_000;

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
  // fetch rejects with a TypeError for refused connections, resets and DNS failures.
  return error instanceof TypeError || (error as { name?: string } | null)?.name === 'TimeoutError';
}

/** Returns the wait before retry number `attempt` (1-based): doubling from RETRY_FIRST_DELAY_MS up to RETRY_MAX_DELAY_MS. */
export function retryDelayMs(attempt: number): number {
  return Math.min(RETRY_MAX_DELAY_MS, RETRY_FIRST_DELAY_MS * 2 ** Math.max(0, attempt - 1));
}

/**
 * HTTP client of the agent protocol. Sends JSON with the bearer token and
 * turns error responses into ServerResponseError. It does not retry: callers
 * decide, because a retried claim or completion needs care.
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
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const init: RequestInit = { method, headers };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (signal !== undefined) init.signal = signal;
    const response = await fetch(`${this.baseUrl}${path}`, init);
    if (!response.ok) throw await responseError(response);
    if (response.status === 204) return undefined;
    return (await response.json()) as T;
  }

  /** Streams a local file to the server as the request body. */
  async uploadFile(path: string, file: string, signal?: AbortSignal): Promise<void> {
    const body = Readable.toWeb(createReadStream(file)) as ReadableStream<Uint8Array>;
    const init: RequestInit & { duplex: 'half' } = {
      method: 'PUT',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/octet-stream' },
      body,
      // Node's fetch streams a request body only in half-duplex mode.
      duplex: 'half',
    };
    if (signal !== undefined) init.signal = signal;
    const response = await fetch(`${this.baseUrl}${path}`, init);
    if (!response.ok) throw await responseError(response);
    await response.body?.cancel();
  }

  /** Streams a response body into a local file. */
  async downloadFile(path: string, file: string, signal?: AbortSignal): Promise<void> {
    const init: RequestInit = { headers: { authorization: `Bearer ${this.token}` } };
    if (signal !== undefined) init.signal = signal;
    const response = await fetch(`${this.baseUrl}${path}`, init);
    if (!response.ok) throw await responseError(response);
    if (response.body === null) throw new AgentError(AgentErrorCode.ProtocolError, `GET ${path} returned no body`);
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(file, { mode: 0o600 }));
  }
}

async function responseError(response: Response): Promise<ServerResponseError> {
  const text = await response.text().catch(() => '');
  let parsed: { error?: { code?: string; message?: string; hint?: string } } | undefined;
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const code = parsed?.error?.code ?? `HTTP${response.status}`;
  const message = parsed?.error?.message ?? `the server returned status ${response.status}`;
  return new ServerResponseError(response.status, code, message, parsed?.error?.hint);
}
