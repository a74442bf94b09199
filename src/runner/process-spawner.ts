import { spawn } from 'node:child_process';
import { spawnWithHelper } from './spawn-helper.js';
import { PIPE_DRAIN_TIMEOUT_MS, type ProcessSpawner, type ProcessTermination, type SpawnedProcess } from './spawned-process.js';

/**
 * Starts `launch` with Node's child_process, detached, in a process group of its
 * own. Node's spawn blocks this thread until the child has called exec.
 */
export const spawnWithNode: ProcessSpawner = (launch, onOutput) => {
  let child: ReturnType<typeof spawn>;
  try {
    child = spawn(launch.file, launch.args, {
      cwd: launch.cwd,
      env: launch.env,
      detached: process.platform !== 'win32',
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsVerbatimArguments: launch.windowsVerbatimArguments,
      windowsHide: true,
    });
  } catch (error) {
    // Invalid arguments, such as a NUL byte in an environment value.
    return { started: Promise.resolve({ startError: error as Error }), exited: new Promise(() => undefined), drained: Promise.resolve() };
  }
  child.stdout?.on('data', (chunk: Buffer) => onOutput('stdout', chunk));
  child.stderr?.on('data', (chunk: Buffer) => onOutput('stderr', chunk));

  const pid = child.pid;
  const started: SpawnedProcess['started'] =
    pid !== undefined ? Promise.resolve({ pid }) : new Promise((resolve) => child.once('error', (startError) => resolve({ startError })));
  const exited = new Promise<ProcessTermination>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
  const drained = exited.then(() => waitForPipes([child.stdout, child.stderr]));
  return { started, exited, drained };
};

type Pipe = NonNullable<ReturnType<typeof spawn>['stdout']>;

/** Waits for the pipes to close, at most PIPE_DRAIN_TIMEOUT_MS, then closes them. */
function waitForPipes(pipes: (Pipe | null)[]): Promise<void> {
  const open = pipes.filter((pipe): pipe is Pipe => pipe !== null && !pipe.closed);
  if (open.length === 0) return Promise.resolve();

  return new Promise((resolve) => {
    let count = open.length;
    const timer = setTimeout(() => {
      for (const pipe of open) pipe.destroy();
      resolve();
    }, PIPE_DRAIN_TIMEOUT_MS);
    for (const pipe of open) {
      pipe.once('close', () => {
        count -= 1;
        if (count === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}

/**
 * Starts `launch` with the spawn helper when it runs (Linux and macOS, see
 * spawn-helper.ts), else with Node's child_process.
 */
export const spawnProcess: ProcessSpawner = (launch, onOutput) => spawnWithHelper(launch, onOutput) ?? spawnWithNode(launch, onOutput);
