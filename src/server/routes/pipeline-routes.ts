import { isAbsolute } from 'node:path';
import type { PipelineInput } from '../../store/pipeline-repository.js';
import { PipelineVariableRepository } from '../../store/pipeline-variable-repository.js';
import type { QueueTimeVariable } from '../../store/run-repository.js';
import { ApiError } from '../api-error.js';
import { applyQueueTimeOverrides } from '../pipeline-variable-scope.js';
import type { RouteModule } from '../route-module.js';
import { callerName } from '../route-auth.js';
import { registerPipelineVariableRoutes } from './pipeline-variable-routes.js';
import { optionalPositive, positiveId } from './route-params.js';

/** Body of `POST /api/pipelines/:id/runs`. */
export interface QueueRunBody {
  branch?: string;
  commit?: string;
  parameters?: Record<string, string | number | boolean>;
  /** A plain string is a non-secret value. */
  variables?: Record<string, string | { value: string; isSecret?: boolean }>;
}

const pipelineProperties = {
  name: { type: 'string', minLength: 1, maxLength: 200, pattern: '^[^/\\\\]+$' },
  repositoryUrl: { type: 'string', minLength: 1, maxLength: 2000 },
  yamlPath: { type: 'string', minLength: 1, maxLength: 1000 },
  defaultBranch: { type: 'string', minLength: 1, maxLength: 500 },
  pollingIntervalSeconds: { anyOf: [{ type: 'integer', minimum: 1 }, { type: 'null' }] },
  webhookSecret: { anyOf: [{ type: 'string', maxLength: 1000 }, { type: 'null' }] },
} as const;

/** Pipelines (a repository and its YAML file), their variables and the runs queued for them. */
export const pipelineRoutes: RouteModule = {
  name: 'pipelines',
  register(app, context) {
    app.get('/api/pipelines', async () => ({ pipelines: await context.store.pipelines.list() }));

    app.post<{ Body: PipelineInput }>(
      '/api/pipelines',
      { schema: { body: { type: 'object', required: ['name', 'repositoryUrl'], additionalProperties: false, properties: pipelineProperties } } },
      async (request, reply) => {
        checkRepositoryUrl(request.body.repositoryUrl);
        const pipeline = await context.store.pipelines.create(request.body);
        context.logger.info({ pipelineId: pipeline.id, name: pipeline.name, addedBy: callerName(request) }, 'pipeline added');
        return reply.status(201).send(pipeline);
      },
    );

    app.get<{ Params: { id: string } }>('/api/pipelines/:id', async (request) => {
      const id = positiveId(request.params.id, 'pipeline id');
      const pipeline = await context.store.pipelines.get(id);
      if (pipeline === undefined) throw new ApiError('notFound', `pipeline ${id} not found`, 'list the pipelines with GET /api/pipelines');
      return pipeline;
    });

    app.patch<{ Params: { id: string }; Body: Partial<PipelineInput> }>(
      '/api/pipelines/:id',
      { schema: { body: { type: 'object', additionalProperties: false, properties: pipelineProperties } } },
      async (request) => {
        if (request.body.repositoryUrl !== undefined) checkRepositoryUrl(request.body.repositoryUrl);
        return context.store.pipelines.update(positiveId(request.params.id, 'pipeline id'), request.body);
      },
    );

    app.delete<{ Params: { id: string } }>('/api/pipelines/:id', { config: { access: 'admin' } }, async (request, reply) => {
      const id = positiveId(request.params.id, 'pipeline id');
      if (!(await context.store.pipelines.delete(id))) throw new ApiError('notFound', `pipeline ${id} not found`);
      context.logger.info({ pipelineId: id, deletedBy: callerName(request) }, 'pipeline deleted');
      return reply.status(204).send();
    });

    app.get<{ Params: { id: string }; Querystring: { beforeId?: string; limit?: string } }>('/api/pipelines/:id/runs', async (request) => {
      const pipelineId = positiveId(request.params.id, 'pipeline id');
      return {
        runs: await context.store.runs.list({ pipelineId, beforeId: optionalPositive(request.query.beforeId, 'beforeId'), limit: optionalPositive(request.query.limit, 'limit') }),
      };
    });

    app.post<{ Params: { id: string }; Body: QueueRunBody }>(
      '/api/pipelines/:id/runs',
      {
        schema: {
          body: {
            type: 'object',
            additionalProperties: false,
            properties: {
              branch: { type: 'string', minLength: 1, maxLength: 500 },
              commit: { type: 'string', pattern: '^[0-9a-fA-F]{4,64}$' },
              parameters: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }] } },
              variables: {
                type: 'object',
                additionalProperties: {
                  anyOf: [
                    { type: 'string' },
                    { type: 'object', required: ['value'], additionalProperties: false, properties: { value: { type: 'string' }, isSecret: { type: 'boolean' } } },
                  ],
                },
              },
            },
          },
        },
      },
      async (request, reply) => {
        const body = request.body ?? {};
        const pipelineId = positiveId(request.params.id, 'pipeline id');
        const pipelineVariables = await new PipelineVariableRepository(context.store, context.secrets).list(pipelineId);
        const run = await context.coordinator.queueRun({
          pipelineId,
          branch: body.branch,
          commit: body.commit,
          parameters: Object.fromEntries(Object.entries(body.parameters ?? {}).map(([name, value]) => [name, String(value)])),
          variables: applyQueueTimeOverrides(pipelineVariables, queueTimeVariables(body.variables ?? {})),
          requestedBy: callerName(request),
        });
        return reply.status(201).send(run);
      },
    );

    registerPipelineVariableRoutes(app, context);
  },
};

function queueTimeVariables(input: NonNullable<QueueRunBody['variables']>): Record<string, QueueTimeVariable> {
  const variables: Record<string, QueueTimeVariable> = {};
  for (const [name, value] of Object.entries(input)) {
    variables[name] = typeof value === 'string' ? { value, isSecret: false } : { value: value.value, isSecret: value.isSecret ?? false };
  }
  return variables;
}

/** A local path must be absolute, because the server does not know the caller's working folder. */
function checkRepositoryUrl(url: string): void {
  if (url.startsWith('-')) throw new ApiError('invalidRequest', `invalid repositoryUrl '${url}': it starts with '-'`, 'give a git URL or an absolute path');
  const isUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(url) || /^[^/\s]+@[^:\s]+:/.test(url);
  if (!isUrl && !isAbsolute(url)) {
    throw new ApiError('invalidRequest', `invalid repositoryUrl '${url}': a local path must be absolute`, 'give a git URL (https://, ssh://, git@host:path) or an absolute path');
  }
}
