import { parseGiteaWebhook } from './parse-gitea-webhook.js';
import { parseGitHubWebhook } from './parse-github-webhook.js';
import { parseGitLabWebhook } from './parse-gitlab-webhook.js';
import type { Forge, WebhookEvent, WebhookResult } from './webhook-event.js';
import { eventName as readEventName, type RequestHeaders } from './webhook-headers.js';

/**
 * Parses an authenticated delivery's body into one normalised event. Call it
 * after `authenticateWebhook`, with the forge and delivery id that it returned.
 * A body that is not JSON, or lacks a field its event needs, is rejected with
 * TRG024 and the list of missing fields.
 */
export function parseWebhook(forge: Forge, headers: RequestHeaders, rawBody: string | Buffer, deliveryId: string): WebhookResult<WebhookEvent> {
  const name = readEventName(forge, headers);
  if (!name) return { ok: false, error: { code: 'TRG025', message: `the ${forge} request has no event name header`, status: 400 } };

  let body: unknown;
  try {
    body = JSON.parse(typeof rawBody === 'string' ? rawBody : rawBody.toString('utf8'));
  } catch (error) {
    return { ok: false, error: { code: 'TRG024', message: `the ${forge} "${name}" body is not valid JSON: ${(error as Error).message}`, status: 400 } };
  }

  const parsers = { github: parseGitHubWebhook, gitlab: parseGitLabWebhook, gitea: parseGiteaWebhook };
  const parse = parsers[forge];
  const { event, missing } = parse(name, body, deliveryId);
  if (missing.length > 0) {
    const message = `the ${forge} "${name}" body lacks required fields: ${missing.join(', ')}`;
    return { ok: false, error: { code: 'TRG024', message, status: 400 } };
  }
  return { ok: true, value: event };
}
