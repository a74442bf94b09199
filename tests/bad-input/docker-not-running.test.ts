import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { onlyJob, removeBadRunFolders, runBadPipeline } from './bad-pipeline-run.js';

let socketFolder = '';
afterEach(() => {
  removeBadRunFolders();
  if (socketFolder) rmSync(socketFolder, { recursive: true, force: true });
});

const CONTAINER_JOB = ['container: ubuntu:22.04', 'steps:', '- script: echo never', '  displayName: Never runs', ''].join('\n');

/** Binds a Unix socket and exits without removing it: the file exists, but connecting is refused. */
function staleSocket(path: string): void {
  execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', path]);
}

describe('a Docker engine that is not running', () => {
  it.each([
    { case: 'a socket path that does not exist', stale: false },
    { case: 'a socket file nobody serves', stale: true },
  ])('fails the container job with CTR002 for $case', async ({ stale }) => {
    socketFolder = mkdtempSync(join(tmpdir(), 'sluice-no-docker-'));
    const socket = join(socketFolder, 'docker.sock');
    if (stale) staleSocket(socket);
    expect(existsSync(socket)).toBe(stale);

    const run = await runBadPipeline({ 'azure-pipelines.yml': CONTAINER_JOB }, [], { DOCKER_HOST: `unix://${socket}` });

    expect(run.signal).toBeNull();
    expect(run.code).toBe(1);
    expect(run.summary?.result).toBe('failed');
    const job = onlyJob(run);
    expect(job.result).toBe('failed');
    expect(job.reason).toContain(`CTR002: Cannot connect to the Docker daemon at unix://${socket}`);
    expect(job.reason).toContain('start dockerd or set DOCKER_HOST to a running engine');
    // The job failed before its first step.
    expect(job.steps.map((step) => step.result)).not.toContain('succeeded');
  });

  it('fails a job with only a service container the same way', async () => {
    socketFolder = mkdtempSync(join(tmpdir(), 'sluice-no-docker-'));
    const socket = join(socketFolder, 'docker.sock');
    const yaml = [
      'resources:',
      '  containers:',
      '  - container: redis',
      '    image: redis:7',
      'services:',
      '  cache: redis',
      'steps:',
      '- script: echo never',
      '',
    ].join('\n');

    const run = await runBadPipeline({ 'azure-pipelines.yml': yaml }, [], { DOCKER_HOST: `unix://${socket}` });

    expect(run.code).toBe(1);
    expect(onlyJob(run).reason).toContain('CTR002');
  });
});
