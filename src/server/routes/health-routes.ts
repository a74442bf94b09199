import { sql } from 'kysely';
import type { RouteModule } from '../route-module.js';

/**
 * `GET /healthz`, the only route without a token: 200 when the database
 * answers, 503 while shutting down or when it does not.
 */
export const healthRoutes: RouteModule = {
  name: 'health',
  register(app, context) {
    app.get('/healthz', { config: { access: 'public' } }, async (_request, reply) => {
      if (context.isShuttingDown()) return reply.status(503).send({ status: 'shutting-down' });
      try {
        await sql`select 1`.execute(context.store.db);
      } catch (error) {
        context.logger.error({ err: error }, 'health check cannot reach the database');
        return reply.status(503).send({ status: 'database-unavailable' });
      }
      return { status: 'ok', dialect: context.store.dialect };
    });
  },
};
