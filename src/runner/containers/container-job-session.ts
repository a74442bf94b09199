import { randomUUID } from 'node:crypto';
import type { ContainerResource } from '../../language/pipeline/pipeline-model.js';
import { environmentArguments, publishArguments, splitOptions, volumeArguments, type SamePathMount } from './container-create-args.js';
import type { ContainerEngine } from './container-engine.js';
import { ContainerError, ContainerErrorCode } from './container-error-codes.js';
import { engineSocketMount } from './engine-socket-mount.js';
import { waitForServiceHealth } from './service-health.js';

/** Label on every container of a job; its value is the job's session id. */
export const CONTAINER_JOB_LABEL = 'sluice.job';

/** Lines of a failed service container's log copied into the job log. */
export const SERVICE_LOG_LINES = 100;

/** PATH that Docker gives a process in an image without its own PATH (an imported root file system). */
export const DEFAULT_CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/** Timeout of `create` and `start`, in milliseconds; a first start of an image unpacks its layers. */
export const CONTAINER_START_TIMEOUT_MS = 120_000;

/** The containers a job requests from the engine. */
export interface ContainerJobSpec {
  /** The job container (`container:`), when the steps run in one. */
  container?: ContainerResource;
  /** Service containers by alias (`services:`). */
  services: Record<string, ContainerResource>;
  /** Host folders mounted at the same path in every container of the job: workspace, temp folder, in-place sources. */
  mounts: SamePathMount[];
  /** Time each service gets to become healthy, in milliseconds. */
  healthTimeoutMs: number;
}

/** A container this job started. */
export interface JobContainer {
  alias: string;
  id: string;
  /** `job` runs steps, `service` is a sidecar, and `network` only keeps the network namespace alive. */
  role: 'job' | 'service' | 'network';
}

/** Receives progress and failure lines for the job log. */
export type ContainerLog = (line: string, kind?: 'command' | 'warning' | 'error') => void;

function containerName(sessionId: string, alias: string): string {
  return `sluice-${sessionId}-${alias.replace(/[^A-Za-z0-9_.-]/g, '_')}`;
}

/**
 * The containers of one job. The job container, or a network holder when the
 * job runs on the host, owns the network namespace. The service containers join
 * it, so every service is reached on localhost and by its alias.
 */
export class ContainerJobSession {
  readonly id = randomUUID().slice(0, 12);
  readonly containers: JobContainer[] = [];
  /** Host ports of published service ports: alias → container port → host port. */
  readonly servicePorts: Record<string, Record<string, string>> = {};
  /** PATH of the job container's image, read when the container starts. */
  imagePath = DEFAULT_CONTAINER_PATH;
  /**
   * Folders that tasks running in a container (UsePythonVersion) put in front of
   * the container's PATH, first one first. They are kept apart from the job's
   * host PATH prepends, so a step with `target: host` never gets them.
   */
  readonly containerPathPrepends: string[] = [];

  constructor(readonly engine: ContainerEngine) {}

  /**
   * PATH inside the job container: the container's own prepends, then the
   * image's PATH without repeats. It is the base that `##vso[task.prependpath]` extends.
   */
  get jobContainerPath(): string {
    const base = this.imagePath.split(':').filter((entry) => entry !== '' && !this.containerPathPrepends.includes(entry));
    return [...this.containerPathPrepends, ...base].join(':');
  }

  /** Puts `directory` first on the containers' PATH for later steps, moving it there when it is already listed. */
  prependContainerPath(directory: string): void {
    const index = this.containerPathPrepends.indexOf(directory);
    if (index >= 0) this.containerPathPrepends.splice(index, 1);
    this.containerPathPrepends.unshift(directory);
  }

  /** The container that runs steps without `target`, when the job has one. */
  get jobContainer(): JobContainer | undefined {
    return this.containers.find((container) => container.role === 'job');
  }

  /** Finds a job or service container by alias; aliases compare case-insensitively. */
  find(alias: string): JobContainer | undefined {
    return this.containers.find((container) => container.role !== 'network' && container.alias.toLowerCase() === alias.toLowerCase());
  }

  /** Agent.ContainerMapping: `{"alias": {"id": "…"}}` for the job container and every service. */
  containerMapping(): string {
    const mapping: Record<string, { id: string }> = {};
    for (const container of this.containers) if (container.role !== 'network') mapping[container.alias] = { id: container.id };
    return JSON.stringify(mapping);
  }

  /**
   * Writes a warning and the log of every service container that is no longer
   * running, so a service that crashed during the job explains failing steps.
   */
  async reportStoppedServices(log: ContainerLog): Promise<void> {
    for (const container of this.containers.filter((item) => item.role === 'service')) {
      const state = await this.engine.inspectState(container.id).catch(() => undefined);
      if (state === undefined || state.running) continue;
      log(`Service container '${container.alias}' stopped during the job with exit code ${state.exitCode}`, 'warning');
      await logServiceOutput(this, container, log);
    }
  }

  /**
   * Removes every container of the job, services first and the namespace holder
   * last, in two engine calls because Podman rejects removing the holder while a
   * service still shares its network. It does not throw: a failure is returned so
   * the caller can warn about it.
   */
  async remove(): Promise<ContainerError | undefined> {
    const ids = [...this.containers].reverse().map((container) => container.id);
    const holders = this.containers.filter((container) => container.role !== 'service').map((container) => container.id);
    const services = ids.filter((id) => !holders.includes(id));
    const failures: string[] = [];
    // The holder is still tried after a service failed: Docker removes it, though Podman rejects it while that service remains.
    for (const group of [services, holders]) {
      try {
        await this.engine.removeContainers(group);
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    if (failures.length === 0) return undefined;
    return new ContainerError(ContainerErrorCode.CleanupFailed, `could not remove the job's containers (${ids.join(', ')}); remove them with '${this.engine.command} rm -f': ${failures.join('; ')}`);
  }
}

/** Image of the network holder: the job image, else the first service's image with its entrypoint replaced. */
function holderResource(spec: ContainerJobSpec): { alias: string; resource: ContainerResource; role: 'job' | 'network' } {
  if (spec.container) return { alias: spec.container.alias, resource: spec.container, role: 'job' };
  const [alias, resource] = Object.entries(spec.services)[0]!;
  return { alias: `${alias}-network`, resource, role: 'network' };
}

async function createContainer(session: ContainerJobSession, args: string[], values: Record<string, string>, alias: string, signal: AbortSignal): Promise<string> {
  const { engine } = session;
  const options = { signal, env: values, timeoutMs: CONTAINER_START_TIMEOUT_MS };
  const created = await engine.run(['create', ...args], options);
  if (created.exitCode !== 0) throw asStartFailure(engine.failure(created, `create container '${alias}'`));
  return created.stdout.trim();
}

function asStartFailure(error: ContainerError): ContainerError {
  if (error.code !== ContainerErrorCode.EngineCommandFailed) return error;
  return new ContainerError(ContainerErrorCode.ContainerStartFailed, error.message);
}

async function start(session: ContainerJobSession, container: JobContainer, signal: AbortSignal): Promise<void> {
  const result = await session.engine.run(['start', container.id], { signal, timeoutMs: CONTAINER_START_TIMEOUT_MS });
  if (result.exitCode !== 0) throw asStartFailure(session.engine.failure(result, `start container '${container.alias}'`));
}

async function readImagePath(session: ContainerJobSession, id: string, signal: AbortSignal): Promise<string> {
  const text = await session.engine.check(['inspect', '--format', '{{json .Config.Env}}', id], 'read the job container environment', { signal });
  const env = (JSON.parse(text) as string[] | null) ?? [];
  const entry = env.find((item) => item.startsWith('PATH='));
  return entry ? entry.slice('PATH='.length) : DEFAULT_CONTAINER_PATH;
}

/** Parses `docker port` output lines such as `5432/tcp -> 127.0.0.1:49153` into container port → host port. */
function parsePortOutput(text: string): Record<string, string> {
  const ports: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^(\d+)\/(?:tcp|udp) -> .*:(\d+)$/.exec(line.trim());
    if (match) ports[match[1]!] ??= match[2]!;
  }
  return ports;
}

function containerPortsOf(resource: ContainerResource): string[] {
  return resource.ports.map((entry) => /(\d+)(?:\/(?:tcp|udp))?$/.exec(entry.trim())?.[1] ?? '').filter((port) => port !== '');
}

/**
 * Starts a job's containers and waits for its services. Every image must be in
 * the local engine; all missing images are reported in one CTR003 error. On any
 * failure the containers started so far are removed, a failed service's log is
 * written through `log`, and the error is thrown.
 */
export async function startContainerJob(engine: ContainerEngine, spec: ContainerJobSpec, log: ContainerLog, signal: AbortSignal): Promise<ContainerJobSession> {
  const session = new ContainerJobSession(engine);
  await engine.resolveCommand();
  const version = await engine.ensureRunning({ signal });
  log(`Container engine: ${engine.command} (server ${version}) at ${engine.address}`);

  const resources = [...(spec.container ? [spec.container] : []), ...Object.values(spec.services)];
  const missing: ContainerError[] = [];
  for (const image of new Set(resources.map((resource) => resource.image))) {
    await engine.requireImage(image, { signal }).catch((error: unknown) => {
      if (error instanceof ContainerError && error.code === ContainerErrorCode.ImageMissing) missing.push(error);
      else throw error;
    });
  }
  if (missing.length > 0) throw new ContainerError(ContainerErrorCode.ImageMissing, missing.map((error) => error.message).join('\n'));

  try {
    await startHolder(session, spec, log, signal);
    await startServices(session, spec, log, signal);
    return session;
  } catch (error) {
    await session.remove();
    throw error;
  }
}

async function startHolder(session: ContainerJobSession, spec: ContainerJobSpec, log: ContainerLog, signal: AbortSignal): Promise<void> {
  const holder = holderResource(spec);
  const publish = [
    ...(spec.container ? publishArguments(spec.container.alias, spec.container.ports) : []),
    ...Object.entries(spec.services).flatMap(([alias, resource]) => publishArguments(alias, resource.ports)),
  ];
  // Without published ports the namespace has loopback only, so nothing leaves the job's containers. With ports the
  // engine's default network applies: Docker's `bridge`, or what Podman's containers.conf sets as `netns`.
  const network = publish.length > 0 ? [] : ['--network', 'none'];
  const socket = holder.role === 'job' ? await engineSocketMount(session.engine, holder.resource) : undefined;
  if (socket) log(socket.message);
  const hosts = Object.keys(spec.services).flatMap((alias) => ['--add-host', `${alias}:127.0.0.1`]);
  const env = holder.role === 'job' ? environmentArguments(holder.resource.env) : { args: [], values: {} };
  const mounts = holder.role === 'job' ? volumeArguments(spec.mounts, holder.resource) : [];
  const options = holder.role === 'job' && holder.resource.options ? splitOptions(holder.resource.options) : [];
  const args = [
    '--name', containerName(session.id, holder.alias),
    '--label', `${CONTAINER_JOB_LABEL}=${session.id}`,
    ...network,
    ...hosts,
    ...publish,
    ...mounts,
    ...(socket?.args ?? []),
    ...env.args,
    ...options,
    // The agent keeps a job container alive the same way: the image's entrypoint is replaced by a command that never ends.
    '--entrypoint', 'tail',
    holder.resource.image,
    '-f', '/dev/null',
  ];
  log(`Starting ${holder.role === 'job' ? 'job container' : 'network holder'} '${holder.alias}' from image '${holder.resource.image}'`);
  const id = await createContainer(session, args, env.values, holder.alias, signal);
  const container: JobContainer = { alias: holder.alias, id, role: holder.role };
  session.containers.push(container);
  await start(session, container, signal);
  log(`Started container '${holder.alias}': ${id}`);

  if (holder.role === 'job') session.imagePath = await readImagePath(session, id, signal);
  if (publish.length > 0) {
    const ports = parsePortOutput(await session.engine.check(['port', id], 'read published ports', { signal }));
    for (const [alias, resource] of Object.entries(spec.services)) {
      session.servicePorts[alias] = Object.fromEntries(containerPortsOf(resource).filter((port) => ports[port]).map((port) => [port, ports[port]!]));
    }
  }
}

async function startServices(session: ContainerJobSession, spec: ContainerJobSpec, log: ContainerLog, signal: AbortSignal): Promise<void> {
  const holderId = session.containers[0]!.id;
  const started: JobContainer[] = [];
  for (const [alias, resource] of Object.entries(spec.services)) {
    const env = environmentArguments(resource.env);
    const args = [
      '--name', containerName(session.id, alias),
      '--label', `${CONTAINER_JOB_LABEL}=${session.id}`,
      '--network', `container:${holderId}`,
      // A step may target a service container, so it needs the step scripts and the workspace at the same paths too.
      ...volumeArguments(spec.mounts, resource),
      ...env.args,
      ...(resource.options ? splitOptions(resource.options) : []),
      resource.image,
    ];
    log(`Starting service container '${alias}' from image '${resource.image}'`);
    const id = await createContainer(session, args, env.values, alias, signal);
    const container: JobContainer = { alias, id, role: 'service' };
    session.containers.push(container);
    started.push(container);
    try {
      await start(session, container, signal);
      log(`Started container '${alias}': ${id}`);
    } catch (error) {
      await logServiceOutput(session, container, log);
      throw error;
    }
  }

  for (const container of started) {
    try {
      await waitForServiceHealth(session.engine, container.alias, container.id, spec.healthTimeoutMs, signal);
    } catch (error) {
      await logServiceOutput(session, container, log);
      throw error;
    }
    if (signal.aborted) throw new ContainerError(ContainerErrorCode.EngineCommandFailed, `the job was canceled while service container '${container.alias}' was starting`);
    log(`Service container '${container.alias}' is ready`);
  }
}

async function logServiceOutput(session: ContainerJobSession, container: JobContainer, log: ContainerLog): Promise<void> {
  const text = await session.engine.logs(container.id, SERVICE_LOG_LINES).catch((error: unknown) => `(could not read the log: ${(error as Error).message})`);
  log(`Log of service container '${container.alias}' (last ${SERVICE_LOG_LINES} lines):`, 'error');
  for (const line of (text || '(empty)').split('\n')) log(line);
}
