import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { verify as verifyGitHubSignature } from '@octokit/webhooks-methods';
import type { DeliveryLog } from './delivery-log.js';
import type { Forge, WebhookRejection, WebhookResult } from './webhook-event.js';
import { deliveryId, detectForge, headerValue, type RequestHeaders } from './webhook-headers.js';

/** One incoming webhook request, with the body exactly as received. */
export interface WebhookRequest {
  headers: RequestHeaders;
  rawBody: string | Buffer;
}

/**
 * Authenticates a webhook delivery: finds the forge, checks its signature or
 * token against `secret`, then records the delivery id in `deliveryLog` and
 * rejects a replay. The id is recorded only after the signature is valid, so
 * forged requests cannot fill the log. Messages never include the secret, the
 * received signature or the token.
 */
export async function authenticateWebhook(
  request: WebhookRequest,
  secret: string | undefined,
  deliveryLog: DeliveryLog,
): Promise<WebhookResult<{ forge: Forge; deliveryId: string }>> {
  const forge = detectForge(request.headers);
  if (forge === undefined) {
    return reject('TRG025', 'the request has no X-GitHub-Event, X-Gitlab-Event, X-Gitea-Event or X-Forgejo-Event header', 400);
  }
  if (!secret) return reject('TRG026', `no webhook secret is configured for this ${forge} repository`, 500);

  const verified = await verifyWebhookSignature(forge, request, secret);
  if (!verified.ok) return verified;

  const id = deliveryId(forge, request.headers);
  if (!id) return reject('TRG022', `the ${forge} request has no delivery id header, so a replay could not be detected`, 400);
  if (!(await deliveryLog.markSeen(id))) return reject('TRG023', `the delivery ${id} was already processed`, 409);

  return { ok: true, value: { forge, deliveryId: id } };
}

/**
 * Checks one request's signature or token: GitHub's `X-Hub-Signature-256`
 * (HMAC SHA-256 of the body, `sha256=<hex>`), Gitea's and Forgejo's
 * `X-Gitea-Signature` / `X-Forgejo-Signature` (HMAC SHA-256, bare hex), and
 * GitLab's `X-Gitlab-Token` (the secret itself). Every comparison is constant-time.
 */
export async function verifyWebhookSignature(forge: Forge, request: WebhookRequest, secret: string): Promise<WebhookResult<void>> {
  if (forge === 'github') return verifyGitHub(request, secret);
  if (forge === 'gitlab') return verifyGitLab(request, secret);
  return verifyGitea(request, secret);
}

async function verifyGitHub(request: WebhookRequest, secret: string): Promise<WebhookResult<void>> {
  const signature = headerValue(request.headers, 'x-hub-signature-256');
  if (!signature) return reject('TRG020', 'the GitHub request has no X-Hub-Signature-256 header', 401);

  const body = typeof request.rawBody === 'string' ? request.rawBody : request.rawBody.toString('utf8');
  // The library throws a TypeError for an empty body; an empty body is never a valid delivery.
  const valid = body.length > 0 && (await verifyGitHubSignature(secret, body, signature));
  return valid ? { ok: true, value: undefined } : reject('TRG021', 'the X-Hub-Signature-256 header does not match the body and the configured secret', 401);
}

function verifyGitLab(request: WebhookRequest, secret: string): WebhookResult<void> {
  const token = headerValue(request.headers, 'x-gitlab-token');
  if (!token) return reject('TRG020', 'the GitLab request has no X-Gitlab-Token header', 401);

  // Hashing both sides first gives equal lengths, so the comparison time does not reveal the secret's length.
  const valid = timingSafeEqual(sha256(token), sha256(secret));
  return valid ? { ok: true, value: undefined } : reject('TRG021', 'the X-Gitlab-Token header does not match the configured secret', 401);
}

function verifyGitea(request: WebhookRequest, secret: string): WebhookResult<void> {
  const signature = headerValue(request.headers, 'x-gitea-signature') ?? headerValue(request.headers, 'x-forgejo-signature');
  if (!signature) return reject('TRG020', 'the Gitea request has no X-Gitea-Signature or X-Forgejo-Signature header', 401);

  const expected = createHmac('sha256', secret).update(request.rawBody).digest();
  const received = /^[0-9a-f]{64}$/i.test(signature.trim()) ? Buffer.from(signature.trim(), 'hex') : undefined;
  const valid = received !== undefined && timingSafeEqual(received, expected);
  return valid ? { ok: true, value: undefined } : reject('TRG021', 'the Gitea signature header does not match the body and the configured secret', 401);
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

function reject<T>(code: WebhookRejection['code'], message: string, status: WebhookRejection['status']): WebhookResult<T> {
  return { ok: false, error: { code, message, status } };
}
