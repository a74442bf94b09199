import type { ForgeRequest } from '../../triggers/commit-status.js';
import type { Forge } from '../../triggers/webhook-event.js';

/** Maximum time one forge API request may take, in milliseconds. */
export const FORGE_REQUEST_TIMEOUT_MS = 15_000;

/** The outcome of one forge API request. Never contains the token. */
export interface ForgeResponse {
  status: number;
  /** The start of the response body, for the log when the forge rejected the request. */
  bodyExcerpt: string;
}

/**
 * Sends one request built by `buildCommitStatusRequest` to the forge's API
 * root with the token in the header each forge documents: GitHub
 * `Authorization: Bearer` (docs.github.com/rest/authentication), GitLab
 * `PRIVATE-TOKEN` (docs.gitlab.com/api/rest/authentication), Gitea
 * `Authorization: token` (the Gitea API's authentication section). Network
 * errors and timeouts reject; HTTP errors resolve with their status.
 */
export async function sendForgeRequest(
  forge: Forge,
  apiUrl: string,
  token: string | undefined,
  request: ForgeRequest,
  signal?: AbortSignal,
): Promise<ForgeResponse> {
  const headers: Record<string, string> = { ...request.headers, 'user-agent': 'sluice' };
  if (token !== undefined) Object.assign(headers, authorizationHeader(forge, token));

  const timeout = AbortSignal.timeout(FORGE_REQUEST_TIMEOUT_MS);
  const response = await fetch(`${apiUrl.replace(/\/+$/, '')}${request.path}`, {
    method: request.method,
    headers,
    body: JSON.stringify(request.body),
    signal: signal === undefined ? timeout : AbortSignal.any([signal, timeout]),
  });
  const text = await response.text().catch(() => '');
  return { status: response.status, bodyExcerpt: text.slice(0, 300) };
}

function authorizationHeader(forge: Forge, token: string): Record<string, string> {
  if (forge === 'gitlab') return { 'private-token': token };
  if (forge === 'gitea') return { authorization: `token ${token}` };
  return { authorization: `Bearer ${token}` };
}
