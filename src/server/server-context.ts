import type { Store } from '../store/open-store.js';
import type { JobReportContext } from './job-reports.js';
import type { LiveEvents } from './live-events.js';
import type { LocalAgent } from './local-agent.js';
import type { RepositoryMirrors } from './repository-mirrors.js';
import type { RunCoordinator } from './run-coordinator.js';
import type { ServerLogger } from './server-logger.js';
import type { ServerMetrics } from './server-metrics.js';

/** Everything a route module needs; one per server process. */
export interface ServerContext extends JobReportContext {
  store: Store;
  live: LiveEvents;
  metrics: ServerMetrics;
  logger: ServerLogger;
  coordinator: RunCoordinator;
  mirrors: RepositoryMirrors;
  /** The server's data folder (`--data`). */
  dataDir: string;
  /** Folder of run checkouts, job workspaces and artifacts: `<runsRoot>/<run id>/`. */
  runsRoot: string;
  /** The built-in agent, when it runs in this process. */
  localAgent?: LocalAgent;
  /** True once a graceful shutdown started: routes that start work return SRV009. */
  isShuttingDown(): boolean;
  /** Aborted when a graceful shutdown starts; long-lived responses (event streams) end on it. */
  shutdownSignal: AbortSignal;
}
