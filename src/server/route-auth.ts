import type { FastifyReply, FastifyRequest } from 'fastify';
import type { TokenKind, TokenRecord } from '../store/token-repository.js';
import { ApiError } from './api-error.js';
import type { ServerContext } from './server-context.js';

/**
 * Who may call a route, set as `config: { access }` on the route:
 * `public` needs no token (health only); `user` takes admin and personal
 * tokens; `admin` only admin tokens; `agent` registered agents' tokens;
 * `agentRegistration` the one-time tokens that register an agent.
 * A route without `config.access` is `user`.
 */
export type RouteAccess = 'public' | 'user' | 'admin' | 'agent' | 'agentRegistration';

const KINDS: Record<Exclude<RouteAccess, 'public'>, readonly TokenKind[]> = {
  user: ['admin', 'personal'],
  admin: ['admin'],
  agent: ['agent'],
  agentRegistration: ['agentRegistration'],
};

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    /** The verified token of the caller; undefined on public routes. */
    token?: TokenRecord;
  }
}

/**
 * Checks the `Authorization: Bearer <token>` header against the store, where
 * tokens are kept as SHA-256 hashes. A missing or unknown token is SRV001; a
 * valid token of a kind the route does not take is SRV002.
 */
export function authenticate(context: ServerContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const access: RouteAccess = request.routeOptions.config.access ?? 'user';
    if (access === 'public') return;

    const token = bearerToken(request.headers.authorization);
    if (token === undefined) {
      throw new ApiError('unauthorized', 'this route requires a token', "send the header 'Authorization: Bearer <token>'");
    }
    const record = await context.store.tokens.verify(token);
    if (record === undefined) throw new ApiError('unauthorized', 'the token is unknown, revoked or expired', 'create a new token with POST /api/tokens');
    if (!KINDS[access].includes(record.kind)) {
      throw new ApiError('forbidden', `a ${record.kind} token cannot use this route`, `this route takes ${KINDS[access].join(' or ')} tokens`);
    }
    request.token = record;
  };
}

/** Returns the name a caller is recorded under: the token owner, else its name. */
export function callerName(request: FastifyRequest): string {
  return request.token?.owner ?? request.token?.name ?? 'anonymous';
}

function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}
