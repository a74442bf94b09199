import type { TokenKind } from '../../store/token-repository.js';
import { ApiError } from '../api-error.js';
import type { RouteModule } from '../route-module.js';
import { callerName } from '../route-auth.js';
import { positiveId } from './route-params.js';

/** Kinds of token an admin creates through the API; admin tokens come only from the first start. */
const CREATABLE_KINDS: readonly TokenKind[] = ['personal', 'agentRegistration'];

/** Tokens: admins create personal and agent registration tokens, list and revoke them. The token text is returned once. */
export const tokenRoutes: RouteModule = {
  name: 'tokens',
  register(app, context) {
    app.post<{ Body: { kind: TokenKind; name: string; owner?: string; expiresAt?: string } }>(
      '/api/tokens',
      {
        config: { access: 'admin' },
        schema: {
          body: {
            type: 'object',
            required: ['kind', 'name'],
            additionalProperties: false,
            properties: {
              kind: { type: 'string', enum: [...CREATABLE_KINDS] },
              name: { type: 'string', minLength: 1, maxLength: 200 },
              owner: { type: 'string', minLength: 1, maxLength: 200 },
              expiresAt: { type: 'string', format: 'date-time' },
            },
          },
        },
      },
      async (request, reply) => {
        const { kind, name, owner, expiresAt } = request.body;
        const input: { kind: TokenKind; name: string; owner?: string; expiresAt?: string } = { kind, name, owner: owner ?? (kind === 'personal' ? name : callerName(request)) };
        if (expiresAt !== undefined) input.expiresAt = new Date(expiresAt).toISOString();
        const created = await context.store.tokens.create(input);
        context.logger.info({ tokenId: created.record.id, kind, createdBy: callerName(request) }, 'token created');
        return reply.status(201).send({ token: created.token, record: created.record });
      },
    );

    app.get('/api/tokens', { config: { access: 'admin' } }, async () => ({ tokens: await context.store.tokens.list() }));

    app.delete<{ Params: { id: string } }>('/api/tokens/:id', { config: { access: 'admin' } }, async (request, reply) => {
      const id = positiveId(request.params.id, 'token id');
      if (!(await context.store.tokens.revoke(id))) throw new ApiError('notFound', `token ${id} not found or already revoked`);
      context.logger.info({ tokenId: id, revokedBy: callerName(request) }, 'token revoked');
      return reply.status(204).send();
    });
  },
};
