import { spawn } from 'node:child_process';
import { basename } from 'node:path';
import { findExecutable } from '../executable-lookup.js';
import { ContainerError, ContainerErrorCode } from './container-error-codes.js';

/** Timeout of one engine command (inspect, create, rm …) in milliseconds, unless the call sets its own. */
export const ENGINE_COMMAND_TIMEOUT_MS = 60_000;

/** Maximum characters of engine output kept per stream, enough for error text and `docker logs --tail`. */
export const MAX_ENGINE_OUTPUT_LENGTH = 256 * 1024;

/**
 * Environment variable that selects the engine CLI (`docker` or `podman`, or a
 * path to either) when ContainerEngineOptions.command is not set.
 */
export const CONTAINER_ENGINE_VARIABLE = 'SLUICE_CONTAINER_ENGINE';

/** Container engine CLIs that Sluice supports. They differ in a few flags and in who runs health checks. */
export type ContainerEngineKind = 'docker' | 'podman';

/** Settings of a ContainerEngine; every field has a default. */
export interface ContainerEngineOptions {
  /**
   * `docker` or `podman`, or a path to either; default the value of
   * SLUICE_CONTAINER_ENGINE in `env`, else `docker`.
   */
  command?: string;
  /** Environment of the engine CLI, with DOCKER_HOST (Docker) or CONTAINERS_CONF (Podman) when set; default `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Default timeout of each command in milliseconds; default ENGINE_COMMAND_TIMEOUT_MS. */
  timeoutMs?: number;
}

/** Exit code and output of one engine command. */
export interface EngineCommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Per-call limits of an engine command. */
export interface EngineCallOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Extra variables for the CLI's environment, such as values that `--env NAME` copies. */
  env?: Record<string, string>;
}

/** State of a container as `inspect` reports it. */
export interface ContainerState {
  /** `created`, `running`, `exited` … */
  status: string;
  running: boolean;
  exitCode: number;
  /** Present only when the image or `--health-cmd` defines a health check. */
  health?: 'starting' | 'healthy' | 'unhealthy';
}

/** Socket path that the Docker CLI uses when DOCKER_HOST is not set. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** Socket path of a rootful Podman API service (`podman system service`, podman.socket) when CONTAINER_HOST is not set. */
export const DEFAULT_PODMAN_SOCKET = '/run/podman/podman.sock';

/** Text that the Docker and Podman CLIs print when no daemon responds at their address. */
const DAEMON_UNREACHABLE = /Cannot connect to the Docker daemon|Is the docker daemon running|error during connect|Cannot connect to Podman|connect: connection refused|connect: no such file or directory/i;

/** Guesses the engine family from the command name; `--version` output corrects it later (a `docker` shim may run Podman). */
function kindOfCommand(command: string): ContainerEngineKind {
  return basename(command).includes('podman') ? 'podman' : 'docker';
}

/** Returns the file path of a `unix://` address, or undefined for any other scheme. */
function unixSocketPath(address: string | undefined): string | undefined {
  if (!address?.startsWith('unix://')) return undefined;
  return address.slice('unix://'.length);
}

function appendLimited(current: string, chunk: Buffer): string {
  if (current.length >= MAX_ENGINE_OUTPUT_LENGTH) return current;
  return (current + chunk.toString('utf8')).slice(0, MAX_ENGINE_OUTPUT_LENGTH);
}

/**
 * A thin wrapper over the Docker or Podman CLI. Every call has a timeout and an
 * AbortSignal, and failures become ContainerErrors with a code and a fix. The
 * Docker CLI finds its daemon through DOCKER_HOST in `env`; Podman runs without
 * a daemon and reads its configuration through CONTAINERS_CONF and
 * CONTAINERS_STORAGE_CONF, or talks to a service through CONTAINER_HOST.
 */
export class ContainerEngine {
  readonly command: string;
  readonly env: NodeJS.ProcessEnv;
  private readonly timeoutMs: number;
  private resolvedPath?: string;
  private detectedKind?: ContainerEngineKind;

  constructor(options: ContainerEngineOptions = {}) {
    this.env = options.env ?? process.env;
    this.command = options.command ?? (this.env[CONTAINER_ENGINE_VARIABLE] || 'docker');
    this.timeoutMs = options.timeoutMs ?? ENGINE_COMMAND_TIMEOUT_MS;
  }

  /** The engine family: from `--version` once ensureRunning() ran, else guessed from the command name. */
  get kind(): ContainerEngineKind {
    return this.detectedKind ?? kindOfCommand(this.command);
  }

  /** The engine command as an absolute path once resolveCommand() ran, else as configured. */
  get executable(): string {
    return this.resolvedPath ?? this.command;
  }

  /**
   * Resolves the engine command on the PATH of `env`, so a later process whose
   * environment carries a container's PATH still starts the same CLI.
   */
  async resolveCommand(): Promise<string> {
    this.resolvedPath ??= (await findExecutable(this.command, this.env.PATH)) ?? this.command;
    return this.resolvedPath;
  }

  /** The address the CLI uses, for messages: DOCKER_HOST or CONTAINER_HOST, else the engine's default. */
  get address(): string {
    if (this.kind === 'podman') return this.env.CONTAINER_HOST || 'local Podman storage';
    return this.env.DOCKER_HOST || `unix://${DEFAULT_DOCKER_SOCKET}`;
  }

  /**
   * The host path of the engine's API socket, the one a job container gets as
   * /var/run/docker.sock: the unix socket of DOCKER_HOST (Docker) or CONTAINER_HOST
   * (Podman), else the engine's default socket path. Undefined when the address
   * is not a unix socket (tcp://, ssh://). The path may not exist: Podman has no
   * socket unless its API service runs.
   */
  get socketPath(): string | undefined {
    const variable = this.kind === 'podman' ? this.env.CONTAINER_HOST : this.env.DOCKER_HOST;
    if (variable) return unixSocketPath(variable);
    return this.kind === 'podman' ? DEFAULT_PODMAN_SOCKET : DEFAULT_DOCKER_SOCKET;
  }

  /**
   * Runs `<command> ...args` and returns its exit code and output. Rejects with a
   * ContainerError when the command is not installed, times out, or is aborted;
   * a non-zero exit is returned, not thrown.
   */
  run(args: readonly string[], options: EngineCallOptions = {}): Promise<EngineCommandResult> {
    const timeoutMs = options.timeoutMs ?? this.timeoutMs;
    const summary = `${this.command} ${args.slice(0, 2).join(' ')}`;
    return new Promise((resolve, reject) => {
      if (options.signal?.aborted) {
        reject(new ContainerError(ContainerErrorCode.EngineCommandFailed, `'${summary}' was not run because the job was canceled`));
        return;
      }
      const child = spawn(this.executable, args, { env: { ...this.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      let ending: ContainerError | undefined;
      child.stdout.on('data', (chunk: Buffer) => (stdout = appendLimited(stdout, chunk)));
      child.stderr.on('data', (chunk: Buffer) => (stderr = appendLimited(stderr, chunk)));

      const stop = (error: ContainerError): void => {
        ending ??= error;
        child.kill('SIGKILL');
      };
      const timer = setTimeout(
        () => stop(new ContainerError(ContainerErrorCode.EngineCommandTimedOut, `'${summary}' timed out after ${timeoutMs / 1000} seconds; check that the engine at ${this.address} responds`)),
        timeoutMs,
      );
      const onAbort = (): void => stop(new ContainerError(ContainerErrorCode.EngineCommandFailed, `'${summary}' was stopped because the job was canceled`));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const cleanUp = (): void => {
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
      };

      child.once('error', (error: NodeJS.ErrnoException) => {
        cleanUp();
        if (error.code === 'ENOENT') {
          reject(new ContainerError(ContainerErrorCode.EngineNotInstalled, `the container engine '${this.command}' was not found on PATH; install Docker (apt-get install docker.io) or Podman, or set the engine command`));
        } else {
          reject(new ContainerError(ContainerErrorCode.EngineCommandFailed, `could not start '${this.command}': ${error.message}`));
        }
      });
      child.once('close', (code) => {
        cleanUp();
        if (ending) reject(ending);
        else resolve({ exitCode: code ?? -1, stdout, stderr });
      });
    });
  }

  /**
   * Runs a command that must succeed and returns its trimmed standard output.
   * `action` names the work in the error ("create the job container").
   */
  async check(args: readonly string[], action: string, options: EngineCallOptions = {}): Promise<string> {
    const result = await this.run(args, options);
    if (result.exitCode === 0) return result.stdout.trim();
    throw this.failure(result, action);
  }

  /** Turns a failed command into a ContainerError; an unreachable daemon gets its own code. */
  failure(result: EngineCommandResult, action: string): ContainerError {
    const output = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-5).join('\n');
    if (DAEMON_UNREACHABLE.test(output)) {
      const fix = this.kind === 'podman' ? 'start the Podman service or unset CONTAINER_HOST' : 'start dockerd or set DOCKER_HOST to a running engine';
      const engine = this.kind === 'podman' ? 'Podman' : 'the Docker daemon';
      return new ContainerError(ContainerErrorCode.EngineNotRunning, `Cannot connect to ${engine} at ${this.address}: ${fix} (could not ${action})`);
    }
    return new ContainerError(ContainerErrorCode.EngineCommandFailed, `could not ${action}: ${this.command} exited with code ${result.exitCode}: ${output}`);
  }

  /**
   * Checks that the engine is installed and its daemon (if it has one) responds,
   * and returns the server version. Also reads `--version`, whose text names
   * Podman even when Podman is installed as `docker` (Debian's podman-docker).
   */
  async ensureRunning(options: EngineCallOptions = {}): Promise<string> {
    const client = await this.check(['--version'], 'read the engine client version', options);
    this.detectedKind = /podman/i.test(client) ? 'podman' : 'docker';
    return this.check(['version', '--format', '{{.Server.Version}}'], 'read the engine version', options);
  }

  /** True when `image` is present in the local engine. */
  async imageExists(image: string, options: EngineCallOptions = {}): Promise<boolean> {
    const result = await this.run(['image', 'inspect', '--format', '{{.Id}}', image], options);
    if (result.exitCode === 0) return true;
    if (DAEMON_UNREACHABLE.test(result.stderr)) throw this.failure(result, `look up image '${image}'`);
    return false;
  }

  /** Fails with CTR003 when `image` is not in the local engine, naming the image and how to provide it. */
  async requireImage(image: string, options: EngineCallOptions = {}): Promise<void> {
    if (await this.imageExists(image, options)) return;
    throw new ContainerError(
      ContainerErrorCode.ImageMissing,
      `container image '${image}' is not present in the engine at ${this.address}, and Sluice does not pull images; ` +
        `build it with '${this.command} build -t ${image} .' or import a root file system with 'tar -C ROOTFS -c . | ${this.command} import - ${image}'`,
    );
  }

  /** Reads the state and health of a container. */
  async inspectState(id: string, options: EngineCallOptions = {}): Promise<ContainerState> {
    const text = await this.check(['inspect', '--format', '{{json .State}}', id], `inspect container ${id}`, options);
    const state = JSON.parse(text) as { Status?: string; Running?: boolean; ExitCode?: number; Health?: { Status?: string } };
    const health = state.Health?.Status;
    return {
      status: state.Status ?? 'unknown',
      running: state.Running === true,
      exitCode: state.ExitCode ?? 0,
      health: health === 'starting' || health === 'healthy' || health === 'unhealthy' ? health : undefined,
    };
  }

  /** Returns the last `lines` lines of a container's output (both streams). */
  async logs(id: string, lines: number, options: EngineCallOptions = {}): Promise<string> {
    const result = await this.run(['logs', '--tail', String(lines), id], options);
    return `${result.stdout}${result.stderr}`.trimEnd();
  }

  /**
   * Removes containers and their anonymous volumes, killing them first. Podman
   * removes the listed containers in parallel and rejects removing a container
   * that another one still shares a namespace with, so callers pass dependents
   * in an earlier call.
   */
  async removeContainers(ids: readonly string[], options: EngineCallOptions = {}): Promise<void> {
    if (ids.length === 0) return;
    // `docker rm --force` sends SIGKILL at once. `podman rm --force` sends the stop signal and waits 10 seconds
    // first, which a `tail -f /dev/null` as process 1 always makes it do, so the wait is set to 0.
    const force = this.kind === 'podman' ? ['--force', '--time', '0'] : ['--force'];
    await this.check(['rm', ...force, '--volumes', ...ids], `remove containers ${ids.join(', ')}`, options);
  }

  /**
   * Runs a container's health check once and lets the engine record the result.
   * Podman schedules health checks through systemd timers, so on a machine
   * without systemd no check runs unless the caller starts it. Docker runs them itself.
   */
  async runHealthCheck(id: string, options: EngineCallOptions = {}): Promise<void> {
    // A failing check exits 1 and is read back from inspect; other failures show there as a missing result too.
    await this.run(['healthcheck', 'run', id], options);
  }

  /** Interval of a container's health check in milliseconds, or undefined when it has none. */
  async healthCheckInterval(id: string, options: EngineCallOptions = {}): Promise<number | undefined> {
    const text = await this.check(['inspect', '--format', '{{json .Config.Healthcheck}}', id], `inspect container ${id}`, options);
    const config = JSON.parse(text) as { Test?: string[]; Interval?: number } | null;
    if (!config?.Test || config.Test.length === 0 || config.Test[0] === 'NONE') return undefined;
    // Both engines report nanoseconds; 0 means the engine default of 30 seconds.
    return config.Interval ? config.Interval / 1_000_000 : 30_000;
  }

  /** Ids of all containers (running or not) that carry `label` (`key=value`). */
  async listContainers(label: string, options: EngineCallOptions = {}): Promise<string[]> {
    const text = await this.check(['ps', '--all', '--quiet', '--no-trunc', '--filter', `label=${label}`], 'list containers', options);
    return text === '' ? [] : text.split('\n').map((line) => line.trim());
  }
}
