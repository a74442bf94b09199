import type { TestProject } from 'vitest/node';
import { startPrivateDockerDaemon, type PrivateDockerDaemon } from './docker-daemon.js';
import { ensureTestImages } from './docker-images.js';
import { startPrivatePodman, type PrivatePodman } from './podman-engine.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** DOCKER_HOST of the private test dockerd; empty when it was not started. */
    dockerHost: string;
    /** Why the private dockerd or the test images are not available; empty when they are. */
    dockerError: string;
    /** JSON of the variables that select the session's private Podman configuration; empty when it was not set up. */
    podmanEnvironment: string;
    /** Why Podman or its test images are not available; empty when they are. */
    podmanError: string;
  }
}

/** Test paths that need the private dockerd; a run filtered to other paths does not start it. */
const DOCKER_TEST_PATHS = ['tests/runner/containers', 'tests/examples/container-service', 'tests/bad-input/unhealthy-service'];

/** True unless the command line names test filters and none of them can select a Docker test. */
function dockerTestsSelected(argv: readonly string[]): boolean {
  if (process.env.SLUICE_TEST_DOCKER === '1') return true;
  const runIndex = argv.findIndex((arg) => arg === 'run' || arg.endsWith('vitest.mjs') || arg.endsWith('/vitest'));
  const filters = argv.slice(runIndex + 1).filter((arg) => !arg.startsWith('-') && arg !== 'run');
  if (filters.length === 0) return true;
  return filters.some((filter) => DOCKER_TEST_PATHS.some((path) => path.includes(filter.replace(/^\.\//, '')) || filter.includes(path) || filter.includes('container')));
}

function describeSetupError(error: unknown): string {
  const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
  return `${(error as Error).message}${stderr ? `\n${stderr}` : ''}`;
}

/**
 * vitest globalSetup: starts a private dockerd and provides its address to the
 * tests (`inject('dockerHost')`), with the test images imported, and writes a
 * private Podman configuration with the same images (`inject('podmanEnvironment')`).
 * A failure does not stop unrelated tests: it is provided as `dockerError` or
 * `podmanError`, and every test of that engine fails with it, so no container
 * test is skipped silently.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  project.provide('dockerHost', '');
  project.provide('dockerError', '');
  project.provide('podmanEnvironment', '');
  project.provide('podmanError', '');
  if (!dockerTestsSelected(process.argv)) return async () => undefined;

  let daemon: PrivateDockerDaemon | undefined;
  try {
    daemon = await startPrivateDockerDaemon();
    ensureTestImages({ ...process.env, DOCKER_HOST: daemon.host });
    project.provide('dockerHost', daemon.host);
  } catch (error) {
    project.provide('dockerError', describeSetupError(error));
  }

  let podman: PrivatePodman | undefined;
  try {
    podman = startPrivatePodman();
    project.provide('podmanEnvironment', JSON.stringify(podman.env));
  } catch (error) {
    project.provide('podmanError', describeSetupError(error));
  }
  return async () => {
    podman?.stop();
    await daemon?.stop();
  };
}
