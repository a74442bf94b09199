import type { Forge } from './webhook-event.js';

/** Request headers as Node's http module or fastify give them. */
export type RequestHeaders = Record<string, string | string[] | undefined>;

/** Returns a header's value by case-insensitive name; the first value of a repeated header. */
export function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const lowered = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lowered) continue;
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/**
 * Tells which forge sent a request from its event header. Gitea also sends
 * `X-GitHub-Event` and `X-Gogs-Event` for compatibility, so its own headers
 * (and Forgejo's) are checked first.
 */
export function detectForge(headers: RequestHeaders): Forge | undefined {
  if (headerValue(headers, 'x-gitea-event') !== undefined || headerValue(headers, 'x-forgejo-event') !== undefined) return 'gitea';
  if (headerValue(headers, 'x-gitlab-event') !== undefined) return 'gitlab';
  if (headerValue(headers, 'x-github-event') !== undefined) return 'github';
  return undefined;
}

/** Returns the event name header of the forge (`push`, `Merge Request Hook`, …). */
export function eventName(forge: Forge, headers: RequestHeaders): string | undefined {
  if (forge === 'github') return headerValue(headers, 'x-github-event');
  if (forge === 'gitlab') return headerValue(headers, 'x-gitlab-event');
  return headerValue(headers, 'x-gitea-event') ?? headerValue(headers, 'x-forgejo-event');
}

/**
 * Returns the forge's unique id of this delivery: `X-GitHub-Delivery`,
 * GitLab's `X-Gitlab-Webhook-UUID` (or the older `X-Gitlab-Event-UUID`), and
 * `X-Gitea-Delivery` or `X-Forgejo-Delivery`.
 */
export function deliveryId(forge: Forge, headers: RequestHeaders): string | undefined {
  if (forge === 'github') return headerValue(headers, 'x-github-delivery');
  if (forge === 'gitlab') return headerValue(headers, 'x-gitlab-webhook-uuid') ?? headerValue(headers, 'x-gitlab-event-uuid');
  return headerValue(headers, 'x-gitea-delivery') ?? headerValue(headers, 'x-forgejo-delivery');
}
