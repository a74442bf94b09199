import type { FastifyInstance } from 'fastify';
import type { ServerContext } from './server-context.js';

/** A group of routes; `register` adds them to the app, which already checks tokens and maps errors. */
export interface RouteModule {
  name: string;
  register(app: FastifyInstance, context: ServerContext): void | Promise<void>;
}
