import type { ApiErrorBody } from './api-types.js';
import { tokenStorage } from './token-storage.js';

/** A failed API call, with the server's stable error code and hint when it sent them. */
export class ApiRequestError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiRequestError';
  }
}

/** Called when the server rejects the stored token (HTTP 401), so the UI can ask for a new one. */
export type UnauthorizedHandler = () => void;

/**
 * Calls the Sluice API on the page's own origin with the stored token in
 * `Authorization: Bearer`. A 401 clears the token and calls the handler.
 */
export class ApiClient {
  constructor(private readonly onUnauthorized: UnauthorizedHandler) {}

  /** Sends GET and parses the JSON body. */
  get<T>(path: string, signal?: AbortSignal): Promise<T> {
    return this.json<T>('GET', path, undefined, signal);
  }

  /** Sends POST with an optional JSON body and parses the JSON response. */
  post<T>(path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
    return this.json<T>('POST', path, body, signal);
  }

  /**
   * Sends a request and returns the response when its status is 2xx; used for
   * event streams and downloads, whose bodies are not JSON.
   */
  async request(method: string, path: string, init: { body?: unknown; signal?: AbortSignal; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
    const token = tokenStorage.read();
    if (token !== undefined) headers.authorization = `Bearer ${token}`;
    if (init.body !== undefined) headers['content-type'] = 'application/json';

    const response = await fetch(path, {
      method,
      headers,
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
      signal: init.signal,
      cache: 'no-store',
    });
    if (response.ok) return response;

    const error = await toRequestError(response);
    if (response.status === 401) {
      tokenStorage.clear();
      this.onUnauthorized();
    }
    throw error;
  }

  private async json<T>(method: string, path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const response = await this.request(method, path, { body, signal });
    if (response.status === 204) return undefined as T;
    return (await response.json()) as T;
  }
}

/**
 * Checks a token before it is stored: it must open the pipeline list, which
 * takes admin and personal tokens. Returns an error message, or undefined when the token works.
 */
export async function checkToken(token: string): Promise<string | undefined> {
  const response = await fetch('/api/pipelines', { headers: { authorization: `Bearer ${token}`, accept: 'application/json' }, cache: 'no-store' });
  if (response.ok) return undefined;
  const error = await toRequestError(response);
  return error.message;
}

async function toRequestError(response: Response): Promise<ApiRequestError> {
  const fallback = `the server answered ${response.status} ${response.statusText}`.trim();
  let body: Partial<ApiErrorBody> | undefined;
  try {
    body = (await response.json()) as Partial<ApiErrorBody>;
  } catch {
    return new ApiRequestError(fallback, response.status);
  }
  const error = body?.error;
  if (error === undefined || typeof error.message !== 'string') return new ApiRequestError(fallback, response.status);
  return new ApiRequestError(error.message, response.status, error.code, error.hint);
}

/** Formats an error for display: the server's code, message and hint, or the thrown message. */
export function describeError(error: unknown): string {
  if (error instanceof ApiRequestError) {
    const code = error.code === undefined ? '' : `${error.code}: `;
    const hint = error.hint === undefined ? '' : ` (${error.hint})`;
    return `${code}${error.message}${hint}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** True when `error` comes from an aborted request, which is not a failure to show. */
export function isAbortError(error: unknown): boolean {
  return error instanceof DOMException && error.name === 'AbortError';
}
