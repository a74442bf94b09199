import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ServerErrorCodes } from '../../src/server/server-error-codes.js';
import { agentRoutes } from '../../src/server/routes/agent-routes.js';
import { artifactRoutes } from '../../src/server/routes/artifact-routes.js';
import { healthRoutes } from '../../src/server/routes/health-routes.js';
import { logRoutes } from '../../src/server/routes/log-routes.js';
import { metricsRoutes } from '../../src/server/routes/metrics-routes.js';
import { pipelineRoutes } from '../../src/server/routes/pipeline-routes.js';
import { runRoutes } from '../../src/server/routes/run-routes.js';
import { testResultRoutes } from '../../src/server/routes/test-result-routes.js';
import { tokenRoutes } from '../../src/server/routes/token-routes.js';

/** The route modules of the server core; modules of other parts (agent protocol, webhooks, web UI) document their own routes. */
const CORE_MODULES = [healthRoutes, metricsRoutes, tokenRoutes, pipelineRoutes, runRoutes, logRoutes, artifactRoutes, testResultRoutes, agentRoutes];

const API_DOC = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'api.md'), 'utf8');

describe('docs/api.md', () => {
  it('lists every server error code with its status', () => {
    const documented = [...API_DOC.matchAll(/^\| (SRV\d{3}) \| (\d{3}) \|/gm)].map((match) => [match[1], Number(match[2])]);
    const catalogue = Object.values(ServerErrorCodes).map((entry) => [entry.code, entry.status]);
    expect(documented).toEqual(catalogue);
  });

  it('documents every route of the core route modules', async () => {
    const declared: string[] = [];
    const collector = Object.fromEntries(
      ['get', 'post', 'patch', 'put', 'delete'].map((method) => [method, (url: string) => declared.push(`${method.toUpperCase()} ${url}`)]),
    );
    for (const module of CORE_MODULES) await module.register(collector as never, {} as never);

    expect(declared.length).toBeGreaterThan(20);
    for (const route of declared) {
      expect(API_DOC, route).toMatch(new RegExp('`' + route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&') + '[`?]'));
    }
  });
});
