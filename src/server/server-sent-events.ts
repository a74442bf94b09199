import type { FastifyReply, FastifyRequest } from 'fastify';

/** Seconds between comment lines that keep idle proxies from closing a stream. */
export const SSE_KEEPALIVE_MS = 15_000;

/** An open Server-Sent Events response. */
export interface EventStream {
  /** Aborted when the client disconnects. */
  signal: AbortSignal;
  send(event: string, data: unknown, id?: string | number): void;
  close(): void;
}

/**
 * Takes over the response and starts a `text/event-stream`
 * (html.spec.whatwg.org, server-sent events): each message is `event:`,
 * optional `id:` and one `data:` line of JSON.
 */
export function openEventStream(request: FastifyRequest, reply: FastifyReply): EventStream {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
  });
  raw.write(': stream opened\n\n');

  const controller = new AbortController();
  const onClose = (): void => controller.abort();
  request.raw.socket.once('close', onClose);
  raw.once('close', onClose);
  const keepAlive = setInterval(() => raw.write(': keep-alive\n\n'), SSE_KEEPALIVE_MS);
  keepAlive.unref();

  let closed = false;
  return {
    signal: controller.signal,
    send(event, data, id) {
      if (closed || raw.writableEnded) return;
      const idLine = id === undefined ? '' : `id: ${id}\n`;
      raw.write(`event: ${event}\n${idLine}data: ${JSON.stringify(data)}\n\n`);
    },
    close() {
      if (closed) return;
      closed = true;
      clearInterval(keepAlive);
      request.raw.socket.off('close', onClose);
      if (!raw.writableEnded) raw.end();
    },
  };
}
