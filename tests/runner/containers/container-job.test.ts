import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../../src/events/run-event.js';
import { LocalJobRunner } from '../../../src/runner/local-job-runner.js';
import { TEST_JOB_IMAGE, TEST_POSTGRES_IMAGE } from '../../helpers/docker-images.js';
import { bash, cleanupTempDirs, condition, makeRequest, runJob, variable } from '../runner-test-helpers.js';
import { allContainerIds, containerResource, dockerEnvironment, jobSystemLines, requireDockerHost, startedContainerIds } from './container-test-environment.js';

let host = '';
beforeAll(() => {
  host = requireDockerHost();
});
afterEach(() => cleanupTempDirs());

/** Runner options that use the private dockerd; the health timeout is short so a broken service fails fast. */
function runnerOptions(healthTimeoutMs = 60_000): { baseEnvironment: NodeJS.ProcessEnv; serviceHealthTimeoutMs: number } {
  return { baseEnvironment: dockerEnvironment(host), serviceHealthTimeoutMs: healthTimeoutMs };
}

const postgres = containerResource('db', TEST_POSTGRES_IMAGE);

describe('container job with a PostgreSQL service', () => {
  it('runs steps in the job container and reaches the service', async () => {
    const request = makeRequest(
      [
        bash('psql -h localhost -U postgres -v ON_ERROR_STOP=1 -c "CREATE TABLE items (name text); INSERT INTO items VALUES (\'first\');"'),
        bash(
          [
            'python3 - <<\'PY\'',
            'import subprocess',
            'out = subprocess.run(["psql", "-h", "db", "-U", "postgres", "-tA", "-c", "SELECT name FROM items"], capture_output=True, text=True, check=True)',
            'print("row=" + out.stdout.strip())',
            'PY',
          ].join('\n'),
        ),
        // Process 1 of the job container is the `tail -f /dev/null` that keeps it alive.
        bash('echo "pid1=$(tr \'\\0\' \' \' < /proc/1/cmdline)"; echo "workspace=$PIPELINE_WORKSPACE"; echo "from-container" > "$BUILD_ARTIFACTSTAGINGDIRECTORY/marker.txt"'),
        bash('echo "pid1=$(tr \'\\0\' \' \' < /proc/1/cmdline)"; cat "$(Build.ArtifactStagingDirectory)/marker.txt"', { target: { container: 'host' } }),
        bash('echo "mapping=$AGENT_CONTAINERMAPPING"'),
      ],
      { container: containerResource('python', TEST_JOB_IMAGE), services: { db: postgres } },
    );

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.reason).toBeUndefined();
    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toContain('row=first');
    expect(run.lines(3)).toContain('pid1=tail -f /dev/null ');
    const workspace = run.outcome.variables['Pipeline.Workspace'];
    expect(run.lines(3)).toContain(`workspace=${workspace}`);
    expect(run.lines(4)[0]).not.toBe('pid1=tail -f /dev/null ');
    expect(run.lines(4)[1]).toBe('from-container');

    const mapping = JSON.parse(run.lines(5)[0]!.slice('mapping='.length)) as Record<string, { id: string }>;
    expect(Object.keys(mapping).sort()).toEqual(['db', 'python']);
    expect(mapping.python!.id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('removes every container after the job', async () => {
    const request = makeRequest([bash('exit 3')], { container: containerResource('python', TEST_JOB_IMAGE), services: { db: postgres } });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('failed');
    const started = startedContainerIds(run.events);
    expect(started).toHaveLength(2);
    const remaining = allContainerIds(host);
    for (const id of started) expect(remaining).not.toContain(id);
  });

  it('passes secrets only through a step env mapping', async () => {
    const request = makeRequest(
      [
        bash('echo "mapped=$MAPPED_TOKEN"; echo "unmapped=${API_TOKEN:-absent}"', { env: { MAPPED_TOKEN: '$(api.token)' } }),
        bash('test "$MAPPED_TOKEN" = "s3cr3t-value" && echo equal', { env: { MAPPED_TOKEN: '$(api.token)' } }),
      ],
      { container: containerResource('python', TEST_JOB_IMAGE), variables: { 'api.token': variable('s3cr3t-value', true) } },
    );

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['mapped=***', 'unmapped=absent']);
    expect(run.lines(2)).toEqual(['equal']);
    const commands = run.events.flatMap((event) => (event.type === 'log' ? [event.line] : []));
    expect(commands.join('\n')).not.toContain('s3cr3t-value');
  });

  it('extends the container PATH with prependpath', async () => {
    const request = makeRequest([bash('echo "##vso[task.prependpath]/opt/sluice-tools"'), bash('echo "path=$PATH"')], {
      container: containerResource('python', TEST_JOB_IMAGE),
    });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(2)).toEqual(['path=/opt/sluice-tools:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']);
  });

  it('applies container env, volumes and options', async () => {
    const request = makeRequest(
      [bash('echo "greeting=$GREETING"; echo "host=$(hostname)"; ls /data-volume >/dev/null && echo volume=ok')],
      {
        container: containerResource('python', TEST_JOB_IMAGE, {
          env: { GREETING: 'hello from env' },
          volumes: ['sluice-test-data:/data-volume'],
          options: '--hostname "sluice-test-host"',
        }),
      },
    );

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['greeting=hello from env', 'host=sluice-test-host', 'volume=ok']);
  });

  it('mounts the workspace read-only with mountReadOnly.work', async () => {
    const request = makeRequest(
      [bash('touch "$PIPELINE_WORKSPACE/new-file" 2>/dev/null && echo writable || echo read-only; touch "$AGENT_TEMPDIRECTORY/t" && echo temp=ok')],
      { container: containerResource('python', TEST_JOB_IMAGE, { mountReadOnly: { work: true } }) },
    );

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['read-only', 'temp=ok']);
  });

  it('runs a step in a service container', async () => {
    const request = makeRequest(
      [
        bash('echo "user=$(id -un)"; test -x /usr/local/bin/sluice-postgres && echo service-image', { target: { container: 'db' } }),
        // PostgreSQL shuts down fast on SIGINT. The container's exit ends this step too, so the step fails.
        bash('kill -INT 1; sleep 60', { target: { container: 'db' }, continueOnError: true }),
      ],
      { container: containerResource('python', TEST_JOB_IMAGE), services: { db: postgres } },
    );

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeededWithIssues');
    expect(run.lines(1)).toEqual(['user=postgres', 'service-image']);
    const lines = jobSystemLines(run.events, request.record.id);
    expect(lines.some((line) => line.startsWith("Service container 'db' stopped during the job with exit code"))).toBe(true);
    expect(lines).toContain("Log of service container 'db' (last 100 lines):");
  });

  it('keeps the network namespace to loopback without ports', async () => {
    const request = makeRequest([bash('ls /sys/class/net')], { container: containerResource('python', TEST_JOB_IMAGE), services: { db: postgres } });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['lo']);
  });

  it('fails a step whose target is not a container of the job', async () => {
    const request = makeRequest([bash('echo never', { target: { container: 'missing' } })], { container: containerResource('python', TEST_JOB_IMAGE) });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('failed');
    expect(run.finished(1)?.reason).toContain("step target 'missing' is not a container of this job");
    const codes = run.events.flatMap((event) => (event.type === 'issue' ? [event.code] : []));
    expect(codes).toContain('CTR006');
  });
});

/** A step that sends GET /_ping over the socket at /var/run/docker.sock and prints the status line and body. */
const PING_ENGINE_SOCKET = [
  'test -S /var/run/docker.sock && echo socket',
  "python3 - <<'PY'",
  'import socket',
  'client = socket.socket(socket.AF_UNIX)',
  'client.connect("/var/run/docker.sock")',
  'client.sendall(b"GET /_ping HTTP/1.0\\r\\nHost: engine\\r\\n\\r\\n")',
  'response = b""',
  'while chunk := client.recv(4096):',
  '    response += chunk',
  'head, _, body = response.partition(b"\\r\\n\\r\\n")',
  'print("status=" + head.split(b" ")[1].decode())',
  'print("body=" + body.decode())',
  'PY',
].join('\n');

describe('engine socket in the job container', () => {
  it('maps the engine socket by default', async () => {
    const request = makeRequest([bash(PING_ENGINE_SOCKET)], { container: containerResource('python', TEST_JOB_IMAGE) });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.reason).toBeUndefined();
    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['socket', 'status=200', 'body=OK']);
    const socketPath = host.slice('unix://'.length);
    expect(jobSystemLines(run.events, request.record.id)).toContain(`Mapping engine socket ${socketPath} to /var/run/docker.sock in 'python'`);
  });

  it('leaves the socket out with mapDockerSocket false', async () => {
    const request = makeRequest([bash('test -e /var/run/docker.sock && echo present || echo absent')], {
      container: containerResource('python', TEST_JOB_IMAGE, { mapDockerSocket: false }),
    });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['absent']);
    expect(jobSystemLines(run.events, request.record.id)).toContain("Engine socket not mapped into 'python' (mapDockerSocket: false)");
  });

  it('maps no socket into service containers', async () => {
    const request = makeRequest([bash('test -e /var/run/docker.sock && echo present || echo absent', { target: { container: 'db' } })], {
      container: containerResource('python', TEST_JOB_IMAGE),
      services: { db: postgres },
    });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)).toEqual(['absent']);
  });
});

describe('container job cancel', () => {
  it('removes the containers of a canceled job', async () => {
    const request = makeRequest(
      [
        bash('echo started; sleep 600'),
        // The pattern slee[p] does not match grep's own command line.
        bash("if grep -qsa 'slee[p]' /proc/[0-9]*/cmdline; then echo still-running; else echo stopped; fi", { condition: condition('always()') }),
      ],
      { container: containerResource('python', TEST_JOB_IMAGE), services: { db: postgres } },
    );
    const events: RunEvent[] = [];
    const controller = new AbortController();
    const runner = new LocalJobRunner(runnerOptions());

    const outcome = await runner.runJob(
      request,
      (event) => {
        events.push(event);
        if (event.type === 'log' && event.line === 'started') controller.abort();
      },
      controller.signal,
    );

    expect(outcome.result).toBe('canceled');
    const afterCancel = events.flatMap((event) => (event.type === 'log' && event.recordId === `${request.record.id}.2` && event.stream === 'stdout' ? [event.line] : []));
    expect(afterCancel).toEqual(['stopped']);
    const started = startedContainerIds(events);
    expect(started).toHaveLength(2);
    for (const id of started) expect(allContainerIds(host)).not.toContain(id);
  });
});

describe('service containers on a host job', () => {
  it('publishes service ports on 127.0.0.1 only', async () => {
    const request = makeRequest([
      bash('echo "port=$(agent.services.db.ports.5432)"; exec 3<>/dev/tcp/127.0.0.1/$(agent.services.db.ports.5432) && echo connected'),
    ], { services: { db: containerResource('db', TEST_POSTGRES_IMAGE, { ports: ['5432'] }) } });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('succeeded');
    expect(run.lines(1)[0]).toMatch(/^port=\d+$/);
    expect(run.lines(1)[1]).toBe('connected');
    const started = startedContainerIds(run.events);
    expect(started).toHaveLength(2);
    for (const id of started) expect(allContainerIds(host)).not.toContain(id);
  });

  it('rejects a port published on another address', async () => {
    const request = makeRequest([bash('echo never')], { services: { db: containerResource('db', TEST_POSTGRES_IMAGE, { ports: ['0.0.0.0:5432:5432'] }) } });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('CTR007');
    expect(run.outcome.reason).toContain('binds to 0.0.0.0');
  });
});

describe('container start failures', () => {
  it('names a missing image', async () => {
    const request = makeRequest([bash('echo never')], { container: containerResource('python', 'sluice-test/not-built:1') });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('CTR003');
    expect(run.outcome.reason).toContain("'sluice-test/not-built:1'");
    expect(run.outcome.reason).toContain('docker import');
    expect(run.finished(1)).toBeUndefined();
  });

  it('fails a service that never becomes healthy', async () => {
    const broken = containerResource('db', TEST_POSTGRES_IMAGE, { options: '--health-cmd false --health-interval 1s --health-retries 1000' });
    const request = makeRequest([bash('echo never')], { container: containerResource('python', TEST_JOB_IMAGE), services: { db: broken } });

    const run = await runJob(request, runnerOptions(3000));

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('CTR005');
    expect(run.outcome.reason).toContain('did not become healthy within 3 seconds');
    const lines = jobSystemLines(run.events, request.record.id);
    expect(lines).toContain("Log of service container 'db' (last 100 lines):");
    const started = startedContainerIds(run.events);
    expect(started).toHaveLength(2);
    for (const id of started) expect(allContainerIds(host)).not.toContain(id);
  });

  it('reports a service that exits at once with its log', async () => {
    const crashing = containerResource('db', TEST_POSTGRES_IMAGE, { options: '--entrypoint /bin/false' });
    const request = makeRequest([bash('echo never')], { services: { db: crashing } });

    const run = await runJob(request, runnerOptions());

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('CTR004');
    expect(run.outcome.reason).toContain("service container 'db' stopped with exit code 1");
    expect(jobSystemLines(run.events, request.record.id)).toContain("Log of service container 'db' (last 100 lines):");
  });

  it('explains an engine that is not running', async () => {
    const request = makeRequest([bash('echo never')], { container: containerResource('python', TEST_JOB_IMAGE) });

    const run = await runJob(request, { baseEnvironment: { ...process.env, DOCKER_HOST: 'unix:///tmp/sluice-no-daemon-here.sock' } });

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('CTR002');
    expect(run.outcome.reason).toContain('Cannot connect to the Docker daemon at unix:///tmp/sluice-no-daemon-here.sock: start dockerd or set DOCKER_HOST');
  });

  it('explains an engine command that is not installed', async () => {
    const request = makeRequest([bash('echo never')], { container: containerResource('python', TEST_JOB_IMAGE) });

    const run = await runJob(request, { containerEngine: { command: 'sluice-no-such-engine' } });

    expect(run.outcome.result).toBe('failed');
    expect(run.outcome.reason).toContain('CTR001');
    expect(run.outcome.reason).toContain("'sluice-no-such-engine' was not found");
  });
});
