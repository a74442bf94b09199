import { ApiError } from '../api-error.js';
import type { RouteModule } from '../route-module.js';
import { positiveId } from './route-params.js';

/** Test results of a run: one summary per published test run, and the totals. */
export const testResultRoutes: RouteModule = {
  name: 'test-results',
  register(app, context) {
    app.get<{ Params: { id: string } }>('/api/runs/:id/test-results', async (request) => {
      const runId = positiveId(request.params.id, 'run id');
      if ((await context.store.runs.get(runId)) === undefined) throw new ApiError('notFound', `run ${runId} not found`);
      return { testRuns: await context.store.testResults.list(runId), totals: await context.store.testResults.totals(runId) };
    });
  },
};
