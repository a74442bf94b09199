import { randomUUID } from 'node:crypto';
import type { StepDefinition } from '../../language/pipeline/pipeline-model.js';
import type { ProcessLaunch } from '../child-process-run.js';
import type { ShellPaths } from '../script-invocation.js';
import { ContainerErrorCode } from './container-error-codes.js';
import type { ContainerJobSession, JobContainer } from './container-job-session.js';

/** Shells inside a container, found on the container's PATH; the host's shell paths do not apply there. */
export const CONTAINER_SHELLS: ShellPaths = { bash: 'bash', pwsh: 'pwsh', windowsPowerShell: 'pwsh' };

/** Variables that select or configure the engine CLI's daemon; a step's value must not redirect the CLI. */
const ENGINE_CLIENT_VARIABLES = new Set(['DOCKER_HOST', 'DOCKER_CONTEXT', 'DOCKER_CONFIG', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'CONTAINER_HOST', 'CONTAINER_CONNECTION']);

/** Environment variable that marks the processes of one container step, so a timeout or cancel can find them. */
export const STEP_MARKER_VARIABLE = 'SLUICE_STEP_MARKER';

/** Time given to the kill command inside the container, in milliseconds. */
const STOP_TIMEOUT_MS = 30_000;

/**
 * Sends SIGKILL to every process in the container whose environment carries
 * `marker`; children inherit the variable, so background jobs of the step stop too.
 */
async function stopMarkedProcesses(session: ContainerJobSession, container: JobContainer, marker: string): Promise<void> {
  const script = `for dir in /proc/[0-9]*; do grep -qz '^${STEP_MARKER_VARIABLE}=${marker}$' "$dir/environ" 2>/dev/null && kill -9 "\${dir#/proc/}" 2>/dev/null; done; true`;
  await session.engine.run(['exec', container.id, 'sh', '-c', script], { timeoutMs: STOP_TIMEOUT_MS }).catch(() => undefined);
}

/** The place a step runs: the host, one of the job's containers, or nowhere because its target is unknown. */
export type StepPlacement =
  | { kind: 'host' }
  | { kind: 'container'; container: JobContainer }
  | { kind: 'invalid'; code: typeof ContainerErrorCode.UnknownStepTarget; message: string };

/**
 * Decides where a step runs. In a container job a step runs in the job
 * container unless its `target` is `host` or names another container of the job.
 * NOTE: a `target` that names a service container runs the step there, which is
 * Sluice's reading of `target`. The Azure agent's rule for sidecars was not checked.
 */
export function stepPlacement(session: ContainerJobSession | undefined, step: StepDefinition): StepPlacement {
  const target = step.target?.container;
  if (target === undefined) {
    const container = session?.jobContainer;
    return container ? { kind: 'container', container } : { kind: 'host' };
  }
  if (target.toLowerCase() === 'host') return { kind: 'host' };
  const container = session?.find(target);
  if (container) return { kind: 'container', container };
  const known = session ? session.containers.filter((item) => item.role !== 'network').map((item) => item.alias) : [];
  return {
    kind: 'invalid',
    code: ContainerErrorCode.UnknownStepTarget,
    message: `step target '${target}' is not a container of this job; use 'host'${known.length > 0 ? ` or one of: ${known.join(', ')}` : ''}`,
  };
}

/**
 * Wraps a prepared script launch into `docker exec -i -w CWD -e NAME… ID FILE ARGS`.
 * Environment values travel in the CLI's own environment (`-e NAME` copies them
 * from there), so secrets mapped through a step's `env:` never appear on a
 * command line. `hostCwd` is a folder that exists on the host for the CLI process.
 * Killing the `docker exec` client does not stop the process inside, so `stop`
 * kills every process in the container that carries this step's marker variable.
 */
export function containerLaunch(
  session: ContainerJobSession,
  container: JobContainer,
  launch: ProcessLaunch,
  env: NodeJS.ProcessEnv,
  hostCwd: string,
): { launch: ProcessLaunch; displayCommand: string; stop: () => Promise<void> } {
  const cliEnv: NodeJS.ProcessEnv = { ...session.engine.env };
  const marker = randomUUID();
  const envArgs: string[] = ['-e', `${STEP_MARKER_VARIABLE}=${marker}`];
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    if (ENGINE_CLIENT_VARIABLES.has(name.toUpperCase())) {
      // The CLI itself reads these, so the value goes on the command line instead of into the CLI's environment.
      envArgs.push('-e', `${name}=${value}`);
    } else {
      envArgs.push('-e', name);
      cliEnv[name] = value;
    }
  }
  const args = ['exec', '-i', '-w', launch.cwd, ...envArgs, container.id, launch.file, ...launch.args];
  return {
    launch: { file: session.engine.executable, args, cwd: hostCwd, env: cliEnv },
    displayCommand: `${session.engine.command} exec -i -w ${launch.cwd} ${container.alias} ${launch.file} ${launch.args.join(' ')}`.trimEnd(),
    stop: () => stopMarkedProcesses(session, container, marker),
  };
}
