import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Pipeline } from '../../store/pipeline-repository.js';
import { parseWebhook } from '../../triggers/parse-webhook.js';
import { authenticateWebhook } from '../../triggers/verify-webhook.js';
import type { PushEvent, WebhookEvent } from '../../triggers/webhook-event.js';
import { ApiError } from '../api-error.js';
import type { RouteModule } from '../route-module.js';
import type { ServerContext } from '../server-context.js';
import { FORGES, type ForgeSettingsInput } from '../triggers/forge-settings.js';
import { handlePullRequest } from '../triggers/pull-request-trigger.js';
import { createTriggerRuntime, type TriggerRuntime, type TriggerRuntimeOptions } from '../triggers/trigger-runtime.js';
import { positiveId } from './route-params.js';

/**
 * Builds the route module of the server's triggers: the webhook endpoint
 * `POST /api/webhooks/:pipelineId` that GitHub, GitLab, Gitea and Forgejo
 * call, the forge settings of a pipeline, and the poller, schedule loop and
 * commit status reporter that run beside them.
 */
export function createWebhookRoutes(options: TriggerRuntimeOptions = {}): RouteModule {
  return {
    name: 'webhooks',
    async register(app, context) {
      const runtime = createTriggerRuntime(context, options);
      context.shutdownSignal.addEventListener('abort', () => void Promise.all([runtime.poller.stop(), runtime.scheduler.stop()]), { once: true });
      app.addHook('onClose', async () => runtime.stop());

      // Signatures cover the exact bytes sent, so these routes read the body raw; other routes keep fastify's JSON parser.
      await app.register(async (raw: FastifyInstance) => {
        raw.removeAllContentTypeParsers();
        raw.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
        raw.post<{ Params: { pipelineId: string } }>('/api/webhooks/:pipelineId', { config: { access: 'public' } }, (request, reply) =>
          receiveWebhook(context, runtime, request, reply),
        );
      });

      registerForgeSettingsRoutes(app, context, runtime);
    },
  };
}

/** The trigger routes with default settings, as `sluice serve` registers them. */
export const webhookRoutes: RouteModule = createWebhookRoutes();

async function receiveWebhook(
  context: ServerContext,
  runtime: TriggerRuntime,
  request: FastifyRequest<{ Params: { pipelineId: string } }>,
  reply: FastifyReply,
): Promise<unknown> {
  if (context.isShuttingDown()) throw new ApiError('shuttingDown', 'the server is shutting down and takes no webhooks', 'the forge can redeliver the webhook later');
  const pipeline = await context.store.pipelines.get(positiveId(request.params.pipelineId, 'pipeline id'));
  if (pipeline === undefined) throw new ApiError('notFound', `pipeline ${request.params.pipelineId} not found`, 'set the webhook URL to /api/webhooks/<pipeline id>');

  const rawBody = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
  const secret = await context.store.pipelines.webhookSecret(pipeline.id);
  const authenticated = await authenticateWebhook({ headers: request.headers, rawBody }, secret, runtime.deliveryLog);
  if (!authenticated.ok) {
    const { code, message, status } = authenticated.error;
    request.log.warn({ pipelineId: pipeline.id, code }, `webhook rejected: ${message}`);
    return reply.status(status).send({ error: { code, message } });
  }

  const { forge, deliveryId } = authenticated.value;
  const parsed = parseWebhook(forge, request.headers, rawBody, deliveryId);
  if (!parsed.ok) {
    const { code, message, status } = parsed.error;
    request.log.warn({ pipelineId: pipeline.id, deliveryId, code }, `webhook rejected: ${message}`);
    return reply.status(status).send({ error: { code, message } });
  }

  const event = parsed.value;
  request.log.info({ pipelineId: pipeline.id, deliveryId, forge, event: event.kind }, 'webhook accepted');
  dispatch(context, runtime, pipeline, event);
  return reply.status(202).send({ deliveryId, event: event.kind });
}

/** Decides the event in the background, so the forge gets its answer before git fetches. */
function dispatch(context: ServerContext, runtime: TriggerRuntime, pipeline: Pipeline, event: WebhookEvent): void {
  let work: Promise<unknown> | undefined;
  if (event.kind === 'push') work = runtime.service.handlePush(pipeline, pushInput(event));
  if (event.kind === 'pull-request') work = handlePullRequest(runtime.service, pipeline, event);
  void work?.catch((error: unknown) => {
    context.logger.error({ pipelineId: pipeline.id, deliveryId: event.deliveryId, err: error }, 'webhook event could not be triggered');
  });
}

function pushInput(event: PushEvent) {
  const repository = event.forge === 'gitlab' && event.repository.projectId !== undefined ? String(event.repository.projectId) : event.repository.fullName;
  return {
    ref: event.ref,
    before: event.before,
    after: event.after,
    isNewRef: event.isNewRef,
    isDeletedRef: event.isDeletedRef,
    commitMessages: event.commits.length > 0 ? event.commits.map((commit) => commit.message) : undefined,
    changedPaths: event.changedPathsComplete && !event.isNewRef ? event.changedPaths : undefined,
    statusRepository: repository,
    source: `${event.forge} webhook`,
  };
}

const FORGE_SETTINGS_SCHEMA = {
  type: 'object',
  required: ['forge', 'apiUrl'],
  additionalProperties: false,
  properties: {
    forge: { type: 'string', enum: FORGES },
    apiUrl: { type: 'string', pattern: '^https?://' },
    repository: { type: 'string', minLength: 1 },
    token: { type: ['string', 'null'] },
    statusPerStage: { type: 'boolean' },
    allowSecretsForForks: { type: 'boolean' },
  },
} as const;

/** `GET`, `PUT` and `DELETE /api/pipelines/:id/forge`: where commit statuses go, with which token (admin only). */
function registerForgeSettingsRoutes(app: FastifyInstance, context: ServerContext, runtime: TriggerRuntime): void {
  const pipelineOf = async (id: string): Promise<Pipeline> => {
    const pipeline = await context.store.pipelines.get(positiveId(id, 'pipeline id'));
    if (pipeline === undefined) throw new ApiError('notFound', `pipeline ${id} not found`, 'list the pipelines with GET /api/pipelines');
    return pipeline;
  };

  app.get<{ Params: { id: string } }>('/api/pipelines/:id/forge', { config: { access: 'admin' } }, async (request) => {
    const pipeline = await pipelineOf(request.params.id);
    const settings = await runtime.settings.get(pipeline.id);
    if (settings === undefined) throw new ApiError('notFound', `pipeline ${pipeline.id} has no forge settings`, 'set them with PUT /api/pipelines/:id/forge');
    return settings;
  });

  app.put<{ Params: { id: string }; Body: ForgeSettingsInput }>(
    '/api/pipelines/:id/forge',
    { config: { access: 'admin' }, schema: { body: FORGE_SETTINGS_SCHEMA } },
    async (request) => runtime.settings.set((await pipelineOf(request.params.id)).id, request.body),
  );

  app.delete<{ Params: { id: string } }>('/api/pipelines/:id/forge', { config: { access: 'admin' } }, async (request, reply) => {
    const pipeline = await pipelineOf(request.params.id);
    if (!(await runtime.settings.delete(pipeline.id))) throw new ApiError('notFound', `pipeline ${pipeline.id} has no forge settings`);
    return reply.status(204).send();
  });
}
