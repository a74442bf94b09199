import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RunEvent } from '../../events/run-event.js';
import type { RunStatus } from '../../store/run-repository.js';
import { ApiError } from '../api-error.js';
import type { RouteModule } from '../route-module.js';
import { callerName } from '../route-auth.js';
import type { ServerContext } from '../server-context.js';
import { openEventStream } from '../server-sent-events.js';
import { optionalPositive, positiveId } from './route-params.js';

const RUN_STATUSES: readonly RunStatus[] = ['queued', 'inProgress', 'cancelling', 'completed'];

/** Runs: list, details, timeline, runtime variables, live events, cancel and re-run of failed jobs. */
export const runRoutes: RouteModule = {
  name: 'runs',
  register(app, context) {
    app.get<{ Querystring: { pipelineId?: string; status?: string; branch?: string; beforeId?: string; limit?: string } }>('/api/runs', async (request) => {
      const { query } = request;
      if (query.status !== undefined && !RUN_STATUSES.includes(query.status as RunStatus)) {
        throw new ApiError('invalidRequest', `invalid status '${query.status}': expected one of ${RUN_STATUSES.join(', ')}`);
      }
      return {
        runs: await context.store.runs.list({
          pipelineId: optionalPositive(query.pipelineId, 'pipelineId'),
          status: query.status as RunStatus | undefined,
          branch: query.branch,
          beforeId: optionalPositive(query.beforeId, 'beforeId'),
          limit: optionalPositive(query.limit, 'limit'),
        }),
      };
    });

    app.get<{ Params: { id: string } }>('/api/runs/:id', async (request) => getRun(context, request.params.id));

    app.get<{ Params: { id: string }; Querystring: { attempt?: string } }>('/api/runs/:id/timeline', async (request) => {
      const run = await getRun(context, request.params.id);
      const attempt = optionalPositive(request.query.attempt, 'attempt');
      return { records: await context.store.timeline.list(run.id, attempt === undefined ? {} : { attempt }) };
    });

    app.get<{ Params: { id: string } }>('/api/runs/:id/variables', async (request) => {
      const run = await getRun(context, request.params.id);
      return { variables: await context.store.variables.list(run.id) };
    });

    app.post<{ Params: { id: string } }>('/api/runs/:id/cancel', async (request) => {
      return context.coordinator.cancelRun(positiveId(request.params.id, 'run id'), callerName(request));
    });

    app.post<{ Params: { id: string } }>('/api/runs/:id/rerun-failed-jobs', async (request) => {
      return context.coordinator.rerunFailedJobs(positiveId(request.params.id, 'run id'), callerName(request));
    });

    app.get<{ Params: { id: string } }>('/api/runs/:id/events', (request, reply) => streamRunEvents(context, request, reply));
  },
};

async function getRun(context: ServerContext, idText: string) {
  const id = positiveId(idText, 'run id');
  const run = await context.store.runs.get(id);
  if (run === undefined) throw new ApiError('notFound', `run ${id} not found`, 'list the runs with GET /api/runs');
  return run;
}

/**
 * Streams the run's events as they are stored (`event: run-event`), then
 * `event: end` with the run once it completes. Events stored before the
 * stream opened are not replayed: read the timeline and logs first.
 */
async function streamRunEvents(context: ServerContext, request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply): Promise<void> {
  const run = await getRun(context, request.params.id);
  const stream = openEventStream(request, reply);
  const signal = AbortSignal.any([stream.signal, context.shutdownSignal]);
  const unsubscribe = context.live.subscribeToRun(run.id, (event: RunEvent) => stream.send('run-event', event));
  try {
    while (!signal.aborted) {
      const current = await context.store.runs.get(run.id);
      if (current === undefined || current.status === 'completed') {
        stream.send('end', current ?? run);
        break;
      }
      await context.live.waitForRunChange(run.id, 1000, signal);
    }
  } finally {
    unsubscribe();
    stream.close();
  }
}
