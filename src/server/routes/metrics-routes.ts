import type { RouteModule } from '../route-module.js';
import type { MetricsSnapshot } from '../server-metrics.js';
import type { ServerContext } from '../server-context.js';

/** `GET /metrics`: Prometheus text format (version 0.0.4); scrapers send a token like any API client. */
export const metricsRoutes: RouteModule = {
  name: 'metrics',
  register(app, context) {
    app.get('/metrics', async (_request, reply) => {
      const text = context.metrics.render(await readSnapshot(context));
      return reply.type('text/plain; version=0.0.4; charset=utf-8').send(text);
    });
  },
};

async function readSnapshot(context: ServerContext): Promise<MetricsSnapshot> {
  const { db } = context.store;
  const jobCounts = await db
    .selectFrom('job_queue')
    .select(['status', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', 'in', ['queued', 'leased'])
    .groupBy('status')
    .execute();
  const agents = await db
    .selectFrom('agents')
    .select(['pool', (eb) => eb.fn.countAll<number>().as('count')])
    .where('status', '=', 'online')
    .groupBy('pool')
    .execute();
  const logBytes = await db.selectFrom('log_chunks').select((eb) => eb.fn.sum<number>('text_bytes').as('bytes')).executeTakeFirst();

  const countOf = (status: string): number => Number(jobCounts.find((row) => row.status === status)?.count ?? 0);
  return {
    queuedJobs: countOf('queued'),
    runningJobs: countOf('leased'),
    agentsOnlineByPool: Object.fromEntries(agents.map((row) => [row.pool, Number(row.count)])),
    logBytes: Number(logBytes?.bytes ?? 0),
  };
}
