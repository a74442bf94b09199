import { spawn, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TEST_IMAGE_CACHE_DIR } from './docker-images.js';

/** Maximum wait for a private dockerd to respond after start, in milliseconds. */
export const DOCKERD_START_TIMEOUT_MS = 60_000;

/** Maximum wait for dockerd to exit after SIGTERM before it gets SIGKILL, in milliseconds. */
export const DOCKERD_STOP_TIMEOUT_MS = 20_000;

/** A dockerd that the tests started for themselves, on its own socket. */
export interface PrivateDockerDaemon {
  /** `unix:///…/docker.sock`, for DOCKER_HOST. */
  host: string;
  /** Stops the daemon and removes its socket and exec folders; the image store is kept. */
  stop(): Promise<void>;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function responds(host: string): boolean {
  try {
    execFileSync('docker', ['version', '--format', '{{.Server.Version}}'], { env: { ...process.env, DOCKER_HOST: host }, stdio: 'ignore', timeout: 10_000 });
    return true;
  } catch {
    return false;
  }
}

/**
 * Starts dockerd with its own data root, exec root, pid file and socket, never
 * the default socket. The data root lives in the image cache folder, so imported
 * test images survive between runs. iptables rules and IP masquerading are off,
 * so
 * containers reach nothing beyond the machine; published ports use docker-proxy. Rejects with dockerd's last
 * log lines when it does not respond in time.
 */
export async function startPrivateDockerDaemon(): Promise<PrivateDockerDaemon> {
  // Unix socket paths are limited to about 100 bytes, so the socket lives in a short temp folder.
  const runtime = mkdtempSync(join(tmpdir(), 'sluice-dockerd-'));
  const dataRoot = join(TEST_IMAGE_CACHE_DIR, 'docker-data');
  mkdirSync(dataRoot, { recursive: true });
  const socket = join(runtime, 'docker.sock');
  const host = `unix://${socket}`;
  const logPath = join(runtime, 'dockerd.log');
  const log = openSync(logPath, 'a');
  const daemon = spawn(
    'dockerd',
    [
      '--data-root', dataRoot,
      '--exec-root', join(runtime, 'exec'),
      '--pidfile', join(runtime, 'dockerd.pid'),
      '-H', host,
      '--iptables=false',
      '--ip-masq=false',
    ],
    { stdio: ['ignore', log, log], detached: true },
  );
  closeSync(log);
  let exited = false;
  daemon.once('exit', () => (exited = true));
  daemon.once('error', () => (exited = true));

  const deadline = Date.now() + DOCKERD_START_TIMEOUT_MS;
  while (!responds(host)) {
    if (exited || Date.now() > deadline) {
      const tail = readFileSync(logPath, 'utf8').trim().split('\n').slice(-10).join('\n');
      if (daemon.pid !== undefined && !exited) process.kill(daemon.pid, 'SIGKILL');
      rmSync(runtime, { recursive: true, force: true });
      throw new Error(`the private dockerd did not start (${exited ? 'it exited' : 'no answer in time'}); its log ends with:\n${tail}`);
    }
    await sleep(250);
  }

  return {
    host,
    stop: async () => {
      const pid = daemon.pid;
      if (pid !== undefined && !exited) {
        daemon.kill('SIGTERM');
        const stopBy = Date.now() + DOCKERD_STOP_TIMEOUT_MS;
        while (!exited && Date.now() < stopBy) await sleep(100);
        if (!exited) daemon.kill('SIGKILL');
      }
      rmSync(runtime, { recursive: true, force: true });
    },
  };
}
