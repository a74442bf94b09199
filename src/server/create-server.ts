import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { pino, type Logger } from 'pino';
import type { JobExecutor } from '../runner/job-request.js';
import { openStore, type Store } from '../store/open-store.js';
import { SecretBox } from '../store/secret-box.js';
import { parseStoreUrl } from '../store/store-url.js';
import { toErrorResponse } from './api-error.js';
import { LiveEvents } from './live-events.js';
import { LocalAgent } from './local-agent.js';
import { RepositoryMirrors } from './repository-mirrors.js';
import { authenticate } from './route-auth.js';
import type { RouteModule } from './route-module.js';
import { routeModules } from './routes/route-modules.js';
import { RunCoordinator } from './run-coordinator.js';
import { leaseMsFromEnvironment, loadOrCreateOwnerId, RunOwnership } from './run-ownership.js';
import { startTriggerLoopLeader } from './run-ownership-leader.js';
import type { ServerContext } from './server-context.js';
import { loadOrCreateServerKey } from './server-key.js';
import { ServerMetrics } from './server-metrics.js';
import type { ServerLogger } from './server-logger.js';

/** Default address of `sluice serve`: loopback only, so nothing is exposed until the operator chooses to. */
export const DEFAULT_LISTEN = { host: '127.0.0.1', port: 8080 } as const;

/** How long a graceful shutdown lets running local jobs finish before canceling them, in milliseconds. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 60_000;

/** How often expired job leases are queued again and silent agents marked offline, in milliseconds. */
export const MAINTENANCE_INTERVAL_MS = 15_000;

/** Seconds without a heartbeat after which an agent is shown offline. */
export const AGENT_OFFLINE_AFTER_SECONDS = 120;

/** Largest request body, in bytes: agents send event batches of many log lines. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Settings of `createServer`. */
export interface ServerOptions {
  /** Data folder: database (SQLite), logs, repository mirrors, run folders, server key. */
  dataDir: string;
  /** `postgres://…` or `sqlite:/path`; default `sqlite:<dataDir>/sluice.db`. */
  databaseUrl?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Key that encrypts stored secrets (32 bytes, or base64); default read from or created at `<dataDir>/server.key`. */
  secretKey?: string | Buffer;
  /** Run the built-in agent; default true with SQLite and false with PostgreSQL. */
  localAgent?: boolean;
  /** Jobs the built-in agent runs at once; default 1. */
  localAgentJobs?: number;
  /** Replaces the built-in agent's LocalJobRunner; for tests. */
  localAgentExecutor?: JobExecutor;
  /** pino logger; default JSON lines on standard output at `logLevel`. */
  logger?: Logger;
  logLevel?: string;
  /** Called once with the admin token when the store has none yet (first start); the token is not stored in clear. */
  onAdminToken?: (token: string) => void;
  /** Poll interval of job and run status reads and of the local agent, in milliseconds; tests shorten it. */
  pollMs?: number;
  shutdownGraceMs?: number;
  maintenanceIntervalMs?: number;
  /** Route modules registered after the built-in ones. */
  extraRoutes?: readonly RouteModule[];
  /** Resume runs left unfinished by the previous process; default true. */
  resumeRuns?: boolean;
  /** Duration of run and leader leases between server processes on one database, in milliseconds; default `$SLUICE_LEASE_MS` or 30 s. */
  leaseMs?: number;
}

/** A created server: start it with `listen`, stop it with `close`. */
export interface SluiceServer {
  app: FastifyInstance;
  store: Store;
  context: ServerContext;
  /** Starts listening; returns the base URL, such as `http://127.0.0.1:8080`. */
  listen(): Promise<string>;
  /**
   * Graceful shutdown: takes no new runs or jobs, lets the local agent's
   * running jobs report (up to `shutdownGraceMs`), leaves unfinished runs for
   * the next start, closes the HTTP server and the store.
   */
  close(): Promise<void>;
}

/**
 * Opens the store (running migrations), creates the admin token on first
 * start, builds the fastify app with every route module, resumes unfinished
 * runs and starts the built-in agent. Nothing listens until `listen`.
 */
export async function createServer(options: ServerOptions): Promise<SluiceServer> {
  const dataDir = resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const logger = options.logger ?? pino({ level: options.logLevel ?? 'info', base: { service: 'sluice' } });
  const serverLogger = logger as unknown as ServerLogger;

  const databaseUrl = options.databaseUrl ?? `sqlite:${join(dataDir, 'sluice.db')}`;
  const isSqlite = parseStoreUrl(databaseUrl).kind !== 'postgres';
  const secretKey = options.secretKey ?? (await loadOrCreateServerKey(join(dataDir, 'server.key')));
  const store = await openStore({ url: databaseUrl, logger: serverLogger, dataDir: join(dataDir, 'files'), secretKey });

  try {
    return await assemble(options, { dataDir, logger, serverLogger, store, isSqlite, secrets: new SecretBox(secretKey) });
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}

async function assemble(
  options: ServerOptions,
  parts: { dataDir: string; logger: Logger; serverLogger: ServerLogger; store: Store; isSqlite: boolean; secrets: SecretBox },
): Promise<SluiceServer> {
  const { dataDir, logger, serverLogger, store, secrets } = parts;
  await createAdminTokenOnFirstStart(store, serverLogger, options.onAdminToken);

  const shutdown = new AbortController();
  const live = new LiveEvents();
  const metrics = new ServerMetrics();
  const mirrors = new RepositoryMirrors(join(dataDir, 'repositories'));
  const runsRoot = join(dataDir, 'runs');
  const leaseMs = options.leaseMs ?? leaseMsFromEnvironment();
  const ownerId = await loadOrCreateOwnerId(join(dataDir, 'server-id'));
  const ownership = new RunOwnership({ store, logger: serverLogger, leaseMs, ownerId });
  const coordinator = new RunCoordinator({ store, live, metrics, logger: serverLogger, mirrors, secrets, runsRoot, pollMs: options.pollMs, ownership });
  const context: ServerContext = { store, live, metrics, logger: serverLogger, secrets, coordinator, mirrors, dataDir, runsRoot, isShuttingDown: () => shutdown.signal.aborted, shutdownSignal: shutdown.signal };

  // The pino instance's own type parameter is dropped so route modules take the plain FastifyInstance.
  const app = Fastify({ loggerInstance: logger, bodyLimit: MAX_BODY_BYTES }) as unknown as FastifyInstance;
  app.addHook('onRequest', authenticate(context));
  app.setErrorHandler((error, request, reply) => {
    const response = toErrorResponse(error);
    if (response.isBug) request.log.error({ err: error }, 'request failed');
    void reply.status(response.status).send(response.body);
  });
  app.setNotFoundHandler((request, reply) => {
    void reply.status(404).send({ error: { code: 'SRV003', message: `no route ${request.method} ${request.url.split('?')[0]}`, hint: 'see docs/api.md for the routes' } });
  });
  for (const module of [...routeModules, ...(options.extraRoutes ?? [])]) await module.register(app, context);

  const useLocalAgent = options.localAgent ?? parts.isSqlite;
  if (useLocalAgent) {
    context.localAgent = new LocalAgent({
      context,
      parallelJobs: options.localAgentJobs,
      executor: options.localAgentExecutor,
      idlePollMs: options.pollMs,
      heartbeatMs: options.pollMs === undefined ? undefined : options.pollMs * 5,
    });
  }

  const maintenance = startMaintenance(context, options.maintenanceIntervalMs ?? MAINTENANCE_INTERVAL_MS);
  if (options.resumeRuns ?? true) {
    await coordinator.resumeRuns();
    ownership.start(() => coordinator.resumeRuns());
  }
  // Only the process holding the leader lease polls repositories and fires schedules.
  const triggerLeader = await startTriggerLoopLeader(context, leaseMs, ownerId);
  await context.localAgent?.start();

  let closing: Promise<void> | undefined;
  return {
    app,
    store,
    context,
    async listen() {
      return app.listen({ host: options.host ?? DEFAULT_LISTEN.host, port: options.port ?? DEFAULT_LISTEN.port });
    },
    close() {
      closing ??= (async () => {
        shutdown.abort();
        serverLogger.info({}, 'server shutting down');
        await ownership.stop();
        await triggerLeader?.stop();
        await context.localAgent?.stop(options.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS);
        await coordinator.stop();
        maintenance.stop();
        await app.close();
        await store.close();
        serverLogger.info({}, 'server stopped');
      })();
      return closing;
    },
  };
}

/** Creates the admin token when the store has none, and hands it to `onAdminToken` once. */
async function createAdminTokenOnFirstStart(store: Store, logger: ServerLogger, onAdminToken?: (token: string) => void): Promise<void> {
  const admins = await store.tokens.list({ kind: 'admin' });
  if (admins.some((token) => token.revokedAt === undefined)) return;
  const { token, record } = await store.tokens.create({ kind: 'admin', name: 'admin', owner: 'admin' });
  logger.info({ tokenId: record.id }, 'admin token created');
  onAdminToken?.(token);
}

/** Queues jobs again whose agent stopped renewing its lease, and marks silent agents offline. */
function startMaintenance(context: ServerContext, intervalMs: number): { stop(): void } {
  const timer = setInterval(() => {
    void (async () => {
      try {
        const report = await context.store.jobs.requeueExpiredLeases();
        for (const loss of report.failed) context.live.publishJobFinished(loss.jobId);
        await context.store.agents.markStaleOffline(AGENT_OFFLINE_AFTER_SECONDS);
      } catch (error) {
        context.logger.error({ err: error }, 'server maintenance failed');
      }
    })();
  }, intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
