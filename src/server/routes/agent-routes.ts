import { ApiError } from '../api-error.js';
import type { RouteModule } from '../route-module.js';
import { positiveId } from './route-params.js';

/**
 * Agents as the web UI shows them. The agent protocol (register, claim,
 * events, heartbeat, complete) is a separate route module.
 */
export const agentRoutes: RouteModule = {
  name: 'agents',
  register(app, context) {
    app.get<{ Querystring: { pool?: string } }>('/api/agents', async (request) => {
      const pool = request.query.pool;
      return { agents: await context.store.agents.list(pool === undefined ? {} : { pool }) };
    });

    app.get<{ Params: { id: string } }>('/api/agents/:id', async (request) => {
      const id = positiveId(request.params.id, 'agent id');
      const agent = await context.store.agents.get(id);
      if (agent === undefined) throw new ApiError('notFound', `agent ${id} not found`);
      const jobs = (await context.store.jobs.list({ status: 'leased' })).filter((job) => job.leaseOwner === id);
      return { agent, runningJobs: jobs.map((job) => ({ id: job.id, runId: job.runId, recordId: job.recordId, claimedAt: job.claimedAt })) };
    });
  },
};
