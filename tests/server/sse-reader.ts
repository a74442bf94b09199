/** One Server-Sent Events message. */
export interface SseMessage {
  event: string;
  id?: string;
  data: unknown;
}

/** Reads SSE messages from a fetch response body; comment lines are skipped. */
export async function* readServerSentEvents(response: Response): AsyncGenerator<SseMessage> {
  if (response.body === null) throw new Error('the response has no body');
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      end = buffer.indexOf('\n\n');
      const message = parseBlock(block);
      if (message !== undefined) yield message;
    }
  }
}

function parseBlock(block: string): SseMessage | undefined {
  let event = 'message';
  let id: string | undefined;
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'id') id = value;
    else if (field === 'data') data.push(value);
  }
  if (data.length === 0) return undefined;
  return id === undefined ? { event, data: JSON.parse(data.join('\n')) } : { event, id, data: JSON.parse(data.join('\n')) };
}
