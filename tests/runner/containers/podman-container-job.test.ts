import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ContainerEngine } from '../../../src/runner/containers/container-engine.js';
import { TEST_JOB_IMAGE, TEST_POSTGRES_IMAGE } from '../../helpers/docker-images.js';
import { bash, cleanupTempDirs, makeRequest, runJob } from '../runner-test-helpers.js';
import { allPodmanContainerIds, containerResource, jobSystemLines, requirePodmanEnvironment, startedContainerIds } from './container-test-environment.js';

let env: NodeJS.ProcessEnv = {};
beforeAll(() => {
  env = requirePodmanEnvironment();
});
afterEach(() => cleanupTempDirs());

/** Runner options that select Podman through SLUICE_CONTAINER_ENGINE in the base environment, as `sluice run` does. */
function runnerOptions(healthTimeoutMs = 60_000): { baseEnvironment: NodeJS.ProcessEnv; serviceHealthTimeoutMs: number } {
  return { baseEnvironment: env, serviceHealthTimeoutMs: healthTimeoutMs };
}

describe('podman engine selection', () => {
  it('takes the command from SLUICE_CONTAINER_ENGINE', async () => {
    const engine = new ContainerEngine({ env });

    const version = await engine.ensureRunning();

    expect(engine.command).toBe('podman');
    expect(engine.kind).toBe('podman');
    expect(version).toMatch(/^\d+\.\d+/);
  });

  it('detects Podman installed as docker', async () => {
    // Debian's podman-docker installs such a `docker` script, so the name alone does not tell the engine.
    const folder = mkdtempSync(join(tmpdir(), 'sluice-docker-shim-'));
    try {
      writeFileSync(join(folder, 'docker'), '#!/bin/sh\nexec podman "$@"\n', { mode: 0o755 });
      const engine = new ContainerEngine({ env: { ...env, SLUICE_CONTAINER_ENGINE: '', PATH: `${folder}:${env.PATH ?? ''}` } });
      expect(engine.command).toBe('docker');
      expect(engine.kind).toBe('docker');

      await engine.resolveCommand();
      await engine.ensureRunning();

      expect(engine.executable).toBe(join(folder, 'docker'));
      expect(engine.kind).toBe('podman');
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('podman container job with a PostgreSQL service', () => {
  it('reaches the service and removes the containers', async () => {
    const request = makeRequest(
      [
        bash('psql -h localhost -U postgres -v ON_ERROR_STOP=1 -c "CREATE TABLE items (name text); INSERT INTO items VALUES (\'podman\');"'),
        bash('psql -h db -U postgres -tA -c "SELECT name FROM items"; echo "marker" > "$BUILD_ARTIFACTSTAGINGDIRECTORY/from-container.txt"'),
        bash('echo "pid1=$(tr \'\\0\' \' \' < /proc/1/cmdline)"; cat "$(Build.ArtifactStagingDirectory)/from-container.txt"', { target: { container: 'host' } }),
        bash('echo "user=$(id -un)"', { target: { container: 'db' } }),
        bash('exit 3', { continueOnError: true }),
      ],
      { container: containerResource('python', TEST_JOB_IMAGE), services: { db: containerResource('db', TEST_POSTGRES_IMAGE) } },
    );

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeededWithIssues');
    expect(run.lines(2)).toEqual(['podman']);
    expect(run.lines(3)[0]).not.toBe('pid1=tail -f /dev/null ');
    expect(run.lines(3)[1]).toBe('marker');
    expect(run.lines(4)).toEqual(['user=postgres']);
    expect(run.finished(5)?.result).toBe('succeededWithIssues');
    expect(run.finished(5)?.reason).toContain("exited with code '3'");
    const lines = jobSystemLines(run.events, request.record.id);
    expect(lines.some((line) => line.startsWith('Container engine: podman (server '))).toBe(true);
    expect(lines).toContain("Service container 'db' is ready");
    const started = startedContainerIds(run.events);
    expect(started).toHaveLength(2);
    const remaining = allPodmanContainerIds(env);
    for (const id of started) expect(remaining).not.toContain(id);
  });

  it('keeps HEALTHCHECK in the service image', () => {
    // Podman drops HEALTHCHECK from images built in its default OCI format, and the service test would then pass without a health check.
    const healthcheck = execFileSync('podman', ['image', 'inspect', '--format', '{{json .Config.Healthcheck}}', TEST_POSTGRES_IMAGE], { env, encoding: 'utf8' });
    expect(healthcheck).toContain('pg_isready');
  });

  it('runs the health check that Podman leaves to systemd', async () => {
    const broken = containerResource('db', TEST_POSTGRES_IMAGE, { options: '--health-cmd false --health-interval 1s --health-retries 2' });
    const request = makeRequest([bash('echo never')], { container: containerResource('python', TEST_JOB_IMAGE), services: { db: broken } });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('CTR005');
    expect(run.outcome.reason).toContain("service container 'db' reports 'unhealthy'");
    expect(run.finished(1)).toBeUndefined();
    const started = startedContainerIds(run.events);
    expect(started).toHaveLength(2);
    const remaining = allPodmanContainerIds(env);
    for (const id of started) expect(remaining).not.toContain(id);
  });

  it('explains an unreachable Podman service', async () => {
    const request = makeRequest([bash('echo never')], { container: containerResource('python', TEST_JOB_IMAGE) });

    // CONTAINER_HOST sends every podman command to that service; nothing listens at this path.
    const run = await runJob(request, { baseEnvironment: { ...env, CONTAINER_HOST: 'unix:///tmp/sluice-no-podman-service.sock' } });

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('CTR002');
    expect(run.outcome.reason).toContain('Cannot connect to Podman at unix:///tmp/sluice-no-podman-service.sock');
  });
});

/** Maximum wait for `podman system service` to create its socket, in milliseconds. */
const SERVICE_START_TIMEOUT_MS = 30_000;

describe('podman engine socket', () => {
  it('maps the Podman API socket at /var/run/docker.sock', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'sluice-podman-service-'));
    const socket = join(folder, 'podman.sock');
    const service = spawn('podman', ['system', 'service', '--time', '0', `unix://${socket}`], { env, stdio: 'ignore' });
    try {
      for (const deadline = Date.now() + SERVICE_START_TIMEOUT_MS; !existsSync(socket) && Date.now() < deadline; ) await sleep(100);
      expect(existsSync(socket)).toBe(true);
      const request = makeRequest(
        [
          bash(
            [
              'test -S /var/run/docker.sock && echo socket',
              'python3 - <<\'PY\'',
              'import socket',
              'client = socket.socket(socket.AF_UNIX)',
              'client.connect("/var/run/docker.sock")',
              'client.sendall(b"GET /_ping HTTP/1.0\\r\\nHost: engine\\r\\n\\r\\n")',
              'response = b""',
              'while chunk := client.recv(4096):',
              '    response += chunk',
              'print("body=" + response.partition(b"\\r\\n\\r\\n")[2].decode())',
              'PY',
            ].join('\n'),
          ),
        ],
        { container: containerResource('python', TEST_JOB_IMAGE) },
      );

      // CONTAINER_HOST makes Sluice's podman commands go through the service too, as on a machine that runs podman.socket.
      const run = await runJob(request, { baseEnvironment: { ...env, CONTAINER_HOST: `unix://${socket}` } });

      expect(run.outcome.reason).toBeUndefined();
      expect(run.outcome.result).toBe('succeeded');
      expect(run.lines(1)).toEqual(['socket', 'body=OK']);
      expect(jobSystemLines(run.events, request.record.id)).toContain(`Mapping engine socket ${socket} to /var/run/docker.sock in 'python'`);
    } finally {
      service.kill('SIGTERM');
      if (service.exitCode === null) await once(service, 'exit');
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('podman service on a host job', () => {
  it('publishes the service port on 127.0.0.1', async () => {
    const request = makeRequest(
      [bash('echo "port=$(agent.services.db.ports.5432)"; exec 3<>/dev/tcp/127.0.0.1/$(agent.services.db.ports.5432) && echo connected')],
      { services: { db: containerResource('db', TEST_POSTGRES_IMAGE, { ports: ['5432'] }) } },
    );

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.reason).toBeUndefined();
    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)[0]).toMatch(/^port=\d+$/);
    expect(run.lines(1)[1]).toBe('connected');
    const started = startedContainerIds(run.events);
    expect(started).toHaveLength(2);
    const remaining = allPodmanContainerIds(env);
    for (const id of started) expect(remaining).not.toContain(id);
  });
});
