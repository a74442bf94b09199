import { isAbortError, type ApiClient } from './api-client.js';

/** One Server-Sent Events message with its JSON data. */
export interface StreamMessage {
  event: string;
  id?: string;
  data: unknown;
}

/**
 * Reads a `text/event-stream` body (html.spec.whatwg.org, server-sent
 * events). The UI reads streams through fetch, not EventSource, because
 * EventSource cannot send the `Authorization` header the API requires.
 */
export async function* readEventStream(response: Response): AsyncGenerator<StreamMessage> {
  if (response.body === null) return;
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value.replace(/\r\n?/g, '\n');
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const message = parseMessage(buffer.slice(0, end));
        buffer = buffer.slice(end + 2);
        if (message !== undefined) yield message;
        end = buffer.indexOf('\n\n');
      }
    }
  } finally {
    reader.releaseLock();
  }
}

function parseMessage(block: string): StreamMessage | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  try {
    return { event, id, data: JSON.parse(data.join('\n')) };
  } catch {
    return undefined;
  }
}

/** Settings of `followEventStream`. */
export interface FollowStreamOptions {
  /** Builds the URL of each attempt; `lastId` is the id of the last message received, if any. */
  url(lastId: string | undefined): string;
  onMessage(message: StreamMessage): void;
  /** Called with the message of a failed attempt before the next one. */
  onError?(message: string): void;
  signal: AbortSignal;
  /** Wait before reconnecting, in milliseconds. */
  retryMs?: number;
}

/** Reconnect wait of `followEventStream`, in milliseconds, as EventSource's usual default. */
const DEFAULT_RETRY_MS = 3000;

/**
 * Reads a stream until it sends `event: end` or `signal` aborts, and opens it
 * again after a dropped connection, continuing after the last message id.
 */
export async function followEventStream(client: ApiClient, options: FollowStreamOptions): Promise<void> {
  let lastId: string | undefined;
  while (!options.signal.aborted) {
    try {
      const response = await client.request('GET', options.url(lastId), { signal: options.signal, headers: { accept: 'text/event-stream' } });
      for await (const message of readEventStream(response)) {
        if (message.id !== undefined) lastId = message.id;
        options.onMessage(message);
        if (message.event === 'end') return;
      }
    } catch (error) {
      if (isAbortError(error) || options.signal.aborted) return;
      options.onError?.(error instanceof Error ? error.message : String(error));
    }
    await delay(options.retryMs ?? DEFAULT_RETRY_MS, options.signal);
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
