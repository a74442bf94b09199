import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { TEST_POSTGRES_IMAGE } from '../helpers/docker-images.js';
import { allContainerIds, containerResource, dockerEnvironment, jobSystemLines, requireDockerHost, startedContainerIds } from '../runner/containers/container-test-environment.js';
import { bash, cleanupTempDirs, makeRequest, runJob } from '../runner/runner-test-helpers.js';

let host = '';
beforeAll(() => {
  host = requireDockerHost();
});
afterEach(() => cleanupTempDirs());

// LocalJobRunnerOptions.serviceHealthTimeoutMs: the CLI keeps the five-minute default.
const HEALTH_TIMEOUT_MS = 2000;

describe('a service container that never becomes healthy', () => {
  // The health check never finishes, so Docker keeps the state 'starting' and
  // only the runner's timeout can end the wait.
  it('fails a host job with CTR005 naming the service, runs no step and removes the container', async () => {
    const hanging = containerResource('db', TEST_POSTGRES_IMAGE, {
      options: '--health-cmd "sleep 3600" --health-timeout 7200s --health-interval 1s --health-retries 3',
    });
    const request = makeRequest([bash('echo "step ran"')], { services: { db: hanging } });

    const run = await runJob(request, { baseEnvironment: dockerEnvironment(host), serviceHealthTimeoutMs: HEALTH_TIMEOUT_MS });

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('CTR005');
    expect(run.outcome.reason).toContain("service container 'db'");
    expect(run.outcome.reason).toContain('did not become healthy within 2 seconds');
    const stepLines = run.events.flatMap((event) => (event.type === 'log' ? [event.line] : []));
    expect(stepLines).not.toContain('step ran');
    expect(jobSystemLines(run.events, request.record.id)).toContain("Log of service container 'db' (last 100 lines):");

    const started = startedContainerIds(run.events);
    expect(started.length).toBeGreaterThanOrEqual(1);
    const remaining = allContainerIds(host);
    for (const id of started) expect(remaining).not.toContain(id);
  });
});
