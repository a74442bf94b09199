import { delay } from '../job-control.js';
import type { ContainerEngine } from './container-engine.js';
import { ContainerError, ContainerErrorCode } from './container-error-codes.js';

/**
 * Default time a service container gets to become healthy, in milliseconds.
 * Azure documents no limit; five minutes covers a database that initialises a
 * cluster on first start. LocalJobRunnerOptions.serviceHealthTimeoutMs overrides it.
 */
export const SERVICE_HEALTH_TIMEOUT_MS = 5 * 60_000;

/** Pause between two health checks, in milliseconds. */
export const HEALTH_POLL_INTERVAL_MS = 500;

/**
 * Waits until a service container is ready: `healthy` when its image (or
 * `--health-cmd` in `options`) defines a health check, else `running`.
 * Throws CTR004 when the container stops or reports `unhealthy`, CTR005 when
 * `timeoutMs` passes first. Returns early without error when `signal` aborts.
 * With Podman the check is run from here at its own interval, because Podman
 * leaves scheduling to systemd timers, which a CI machine or container often lacks.
 */
export async function waitForServiceHealth(
  engine: ContainerEngine,
  alias: string,
  id: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const checkIntervalMs = engine.kind === 'podman' ? await engine.healthCheckInterval(id, { signal }) : undefined;
  let nextCheckAt = 0;
  for (;;) {
    if (checkIntervalMs !== undefined && Date.now() >= nextCheckAt) {
      await engine.runHealthCheck(id, { signal });
      nextCheckAt = Date.now() + checkIntervalMs;
    }

    const state = await engine.inspectState(id, { signal });
    if (!state.running) {
      throw new ContainerError(ContainerErrorCode.ContainerStartFailed, `service container '${alias}' stopped with exit code ${state.exitCode} before it was ready; its log follows`);
    }
    if (state.health === 'unhealthy') {
      throw new ContainerError(ContainerErrorCode.ServiceNotHealthy, `service container '${alias}' reports 'unhealthy' from its health check; its log follows`);
    }
    if (state.health === undefined || state.health === 'healthy') return;
    if (Date.now() >= deadline) {
      throw new ContainerError(
        ContainerErrorCode.ServiceNotHealthy,
        `service container '${alias}' did not become healthy within ${timeoutMs / 1000} seconds (health status '${state.health}'); fix its health check or its start-up, its log follows`,
      );
    }
    await delay(HEALTH_POLL_INTERVAL_MS, signal);
    if (signal.aborted) return;
  }
}
