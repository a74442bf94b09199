import { execFileSync } from 'node:child_process';
import { inject } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.js';
import type { ContainerResource } from '../../../src/language/pipeline/pipeline-model.js';

/**
 * Returns DOCKER_HOST of the private test dockerd that the globalSetup
 * (tests/helpers/docker-global-setup.ts) started. Throws with the setup's reason
 * when Docker is not available, so a Docker test fails instead of being skipped.
 */
export function requireDockerHost(): string {
  const error = inject('dockerError');
  const host = inject('dockerHost');
  if (error) throw new Error(`Docker is not available for container tests: ${error}`);
  if (!host) {
    throw new Error(
      'no private dockerd was started: register tests/helpers/docker-global-setup.ts as a vitest globalSetup, or set SLUICE_TEST_DOCKER=1 when a test filter hides the container tests',
    );
  }
  return host;
}

/**
 * Returns the test process's environment with the variables of the private
 * Podman configuration that the globalSetup wrote (CONTAINERS_CONF,
 * CONTAINERS_STORAGE_CONF, SLUICE_CONTAINER_ENGINE=podman). Throws with the
 * setup's reason when Podman is not available, so a Podman test fails instead of being skipped.
 */
export function requirePodmanEnvironment(): NodeJS.ProcessEnv {
  const error = inject('podmanError');
  const text = inject('podmanEnvironment');
  if (error) throw new Error(`Podman is not available for container tests: ${error}`);
  if (!text) {
    throw new Error(
      'no private Podman configuration was written: register tests/helpers/docker-global-setup.ts as a vitest globalSetup, or set SLUICE_TEST_DOCKER=1 when a test filter hides the container tests',
    );
  }
  const env: NodeJS.ProcessEnv = { ...process.env, ...(JSON.parse(text) as Record<string, string>) };
  delete env.CONTAINER_HOST;
  delete env.DOCKER_HOST;
  return env;
}

/** Ids of all containers, running or not, in the Podman configuration of `env`. */
export function allPodmanContainerIds(env: NodeJS.ProcessEnv): string[] {
  const text = execFileSync('podman', ['ps', '--all', '--quiet', '--no-trunc'], { env, encoding: 'utf8' });
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/** Returns the test process's environment with DOCKER_HOST set to the private dockerd. */
export function dockerEnvironment(host: string): NodeJS.ProcessEnv {
  return { ...process.env, DOCKER_HOST: host };
}

/** Builds a container resource as the normaliser produces it. */
export function containerResource(alias: string, image: string, overrides: Partial<ContainerResource> = {}): ContainerResource {
  return { alias, image, env: {}, ports: [], volumes: [], location: { file: 'azure-pipelines.yml', line: 1, column: 1 }, ...overrides };
}

/** Ids of containers the job reported as started, from its "Started container" log lines. */
export function startedContainerIds(events: readonly RunEvent[]): string[] {
  return events.flatMap((event) => {
    if (event.type !== 'log') return [];
    const match = /^Started container '[^']+': ([0-9a-f]{64})$/.exec(event.line);
    return match ? [match[1]!] : [];
  });
}

/** Ids of all containers, running or not, in the engine at `host`. */
export function allContainerIds(host: string): string[] {
  const text = execFileSync('docker', ['ps', '--all', '--quiet', '--no-trunc'], { env: dockerEnvironment(host), encoding: 'utf8' });
  return text.split('\n').map((line) => line.trim()).filter((line) => line !== '');
}

/** System log lines of the job record (container start-up, service logs). */
export function jobSystemLines(events: readonly RunEvent[], jobRecordId: string): string[] {
  return events.flatMap((event) => (event.type === 'log' && event.recordId === jobRecordId && event.stream === 'system' ? [event.line] : []));
}
