import type { RouteModule } from '../route-module.js';
import { webhookRoutes } from './webhook-routes.js';
import { agentProtocolRoutes } from './agent-protocol-routes.js';
import { agentRoutes } from './agent-routes.js';
import { artifactRoutes } from './artifact-routes.js';
import { healthRoutes } from './health-routes.js';
import { logRoutes } from './log-routes.js';
import { metricsRoutes } from './metrics-routes.js';
import { pipelineRoutes } from './pipeline-routes.js';
import { runRoutes } from './run-routes.js';
import { testResultRoutes } from './test-result-routes.js';
import { tokenRoutes } from './token-routes.js';
import { webRoutes } from './web-routes.js';

/**
 * Every route module of the server, registered in this order by
 * `createServer`. A new module (webhooks, the agent protocol, the web UI's
 * files) is appended here.
 */
export const routeModules: RouteModule[] = [
  healthRoutes,
  metricsRoutes,
  tokenRoutes,
  pipelineRoutes,
  runRoutes,
  logRoutes,
  artifactRoutes,
  testResultRoutes,
  agentRoutes,
  agentProtocolRoutes,
  webhookRoutes,
  webRoutes,
];
