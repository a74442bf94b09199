import type { FastifyInstance } from 'fastify';
import { PipelineVariableRepository, MAX_PIPELINE_VARIABLE_NAME_LENGTH, MAX_PIPELINE_VARIABLE_VALUE_LENGTH, type PipelineVariableInput } from '../../store/pipeline-variable-repository.js';
import { ApiError } from '../api-error.js';
import { callerName } from '../route-auth.js';
import type { ServerContext } from '../server-context.js';
import { positiveId } from './route-params.js';

/** Body of `PUT /api/pipelines/:id/variables/:name`. */
export type PipelineVariableBody = Omit<PipelineVariableInput, 'name'>;

const variableBodySchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    value: { type: 'string', maxLength: MAX_PIPELINE_VARIABLE_VALUE_LENGTH },
    isSecret: { type: 'boolean' },
    allowOverride: { type: 'boolean' },
  },
} as const;

/**
 * Registers the routes of a pipeline's variables (admin and personal tokens):
 * list, create or replace, delete. No route returns a secret's value, and no
 * log line or error message contains a value.
 */
export function registerPipelineVariableRoutes(app: FastifyInstance, context: ServerContext): void {
  const repository = () => new PipelineVariableRepository(context.store, context.secrets);

  app.get<{ Params: { id: string } }>('/api/pipelines/:id/variables', async (request) => {
    const pipelineId = await existingPipeline(context, request.params.id);
    return { variables: await repository().list(pipelineId) };
  });

  app.put<{ Params: { id: string; name: string }; Body: PipelineVariableBody }>(
    '/api/pipelines/:id/variables/:name',
    { schema: { body: variableBodySchema } },
    async (request) => {
      const pipelineId = await existingPipeline(context, request.params.id);
      const name = request.params.name;
      if (name.length > MAX_PIPELINE_VARIABLE_NAME_LENGTH) {
        throw new ApiError('invalidRequest', `the variable name has ${name.length} characters, more than ${MAX_PIPELINE_VARIABLE_NAME_LENGTH}`, 'use a shorter name');
      }
      const variable = await repository().set(pipelineId, { ...(request.body ?? {}), name });
      context.logger.info({ pipelineId, variable: variable.name, isSecret: variable.isSecret, allowOverride: variable.allowOverride, setBy: callerName(request) }, 'pipeline variable set');
      return variable;
    },
  );

  app.delete<{ Params: { id: string; name: string } }>('/api/pipelines/:id/variables/:name', async (request, reply) => {
    const pipelineId = await existingPipeline(context, request.params.id);
    const name = request.params.name;
    if (!(await repository().delete(pipelineId, name))) {
      throw new ApiError('notFound', `pipeline ${pipelineId} has no variable '${name.slice(0, MAX_PIPELINE_VARIABLE_NAME_LENGTH)}'`, `list them with GET /api/pipelines/${pipelineId}/variables`);
    }
    context.logger.info({ pipelineId, variable: name, deletedBy: callerName(request) }, 'pipeline variable deleted');
    return reply.status(204).send();
  });
}

async function existingPipeline(context: ServerContext, idText: string): Promise<number> {
  const id = positiveId(idText, 'pipeline id');
  if ((await context.store.pipelines.get(id)) === undefined) {
    throw new ApiError('notFound', `pipeline ${id} not found`, 'list the pipelines with GET /api/pipelines');
  }
  return id;
}
