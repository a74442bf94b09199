import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ContainerEngine } from '../../../src/runner/containers/container-engine.js';
import { engineSocketMount } from '../../../src/runner/containers/engine-socket-mount.js';
import { containerResource } from './container-test-environment.js';

const folders: string[] = [];
const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.close();
    await once(server, 'close');
  }
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-socket-'));
  folders.push(folder);
  return folder;
}

/** Listens on a real unix socket in a temp folder and returns its path. */
async function listeningSocket(): Promise<string> {
  const path = join(tempFolder(), 'engine.sock');
  const server = createServer();
  servers.push(server);
  server.listen(path);
  await once(server, 'listening');
  return path;
}

const job = containerResource('build', 'sluice-test/any:1');

describe('container engine selection', () => {
  it('reads SLUICE_CONTAINER_ENGINE', () => {
    expect(new ContainerEngine({ env: { SLUICE_CONTAINER_ENGINE: 'podman' } }).command).toBe('podman');
    expect(new ContainerEngine({ env: { SLUICE_CONTAINER_ENGINE: '' } }).command).toBe('docker');
    expect(new ContainerEngine({ env: {} }).command).toBe('docker');
  });

  it('prefers the command option', () => {
    const engine = new ContainerEngine({ env: { SLUICE_CONTAINER_ENGINE: 'podman' }, command: 'docker' });
    expect(engine.command).toBe('docker');
    expect(engine.kind).toBe('docker');
  });

  it('guesses the kind from the command name', () => {
    expect(new ContainerEngine({ command: '/usr/local/bin/podman' }).kind).toBe('podman');
    expect(new ContainerEngine({ command: '/usr/bin/docker' }).kind).toBe('docker');
  });
});

describe('engine socket path', () => {
  it('uses the unix socket of DOCKER_HOST', () => {
    expect(new ContainerEngine({ env: { DOCKER_HOST: 'unix:///tmp/a/docker.sock' } }).socketPath).toBe('/tmp/a/docker.sock');
    expect(new ContainerEngine({ env: {} }).socketPath).toBe('/var/run/docker.sock');
  });

  it('has no socket for a tcp address', () => {
    expect(new ContainerEngine({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' } }).socketPath).toBeUndefined();
  });

  it('uses CONTAINER_HOST for Podman', () => {
    const env = { SLUICE_CONTAINER_ENGINE: 'podman', DOCKER_HOST: 'unix:///tmp/docker.sock' };
    expect(new ContainerEngine({ env }).socketPath).toBe('/run/podman/podman.sock');
    expect(new ContainerEngine({ env: { ...env, CONTAINER_HOST: 'unix:///tmp/p/podman.sock' } }).socketPath).toBe('/tmp/p/podman.sock');
  });
});

describe('engine socket mount', () => {
  it('mounts an existing socket at /var/run/docker.sock', async () => {
    const socket = await listeningSocket();
    const engine = new ContainerEngine({ env: { DOCKER_HOST: `unix://${socket}` } });

    const mount = await engineSocketMount(engine, job);

    expect(mount.args).toEqual(['--volume', `${socket}:/var/run/docker.sock`]);
    expect(mount.message).toBe(`Mapping engine socket ${socket} to /var/run/docker.sock in 'build'`);
  });

  it('skips the socket with mapDockerSocket false', async () => {
    const socket = await listeningSocket();
    const engine = new ContainerEngine({ env: { DOCKER_HOST: `unix://${socket}` } });

    const mount = await engineSocketMount(engine, { ...job, mapDockerSocket: false });

    expect(mount.args).toEqual([]);
    expect(mount.message).toBe("Engine socket not mapped into 'build' (mapDockerSocket: false)");
  });

  it('skips a path that is not a socket', async () => {
    // Docker would create a folder at a missing host path, so only a real socket is mounted.
    const file = join(tempFolder(), 'docker.sock');
    writeFileSync(file, '');
    const missing = join(tempFolder(), 'missing.sock');

    const regular = await engineSocketMount(new ContainerEngine({ env: { DOCKER_HOST: `unix://${file}` } }), job);
    const absent = await engineSocketMount(new ContainerEngine({ env: { DOCKER_HOST: `unix://${missing}` } }), job);

    expect(regular.args).toEqual([]);
    expect(regular.message).toBe(`Engine socket not mapped into 'build': no socket at ${file}`);
    expect(absent.args).toEqual([]);
    expect(absent.message).toBe(`Engine socket not mapped into 'build': no socket at ${missing}`);
  });

  it('skips a tcp engine address', async () => {
    const mount = await engineSocketMount(new ContainerEngine({ env: { DOCKER_HOST: 'tcp://127.0.0.1:2375' } }), job);

    expect(mount.args).toEqual([]);
    expect(mount.message).toBe("Engine socket not mapped into 'build': the engine address tcp://127.0.0.1:2375 is not a unix socket");
  });
});
