import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { constants } from 'node:os';
import { SPAWN_HELPER_PROGRAM } from './spawn-helper-program.js';
import { PIPE_DRAIN_TIMEOUT_MS, type OutputListener, type ProcessLaunch, type ProcessTermination, type SpawnedProcess } from './spawned-process.js';

/**
 * The spawn helper: a small Perl process (spawn-helper-program.ts) that starts
 * step processes for this process and relays their output and exit. Node.js 20
 * spawns with fork() on Linux, which copies the page tables of this process (about
 * 80 MB during a run). It also blocks the event loop until the child has called
 * exec, which took 2 to 3 ms of the main thread per step on a 2-core Linux VM
 * while jobs ran side by side. Through the helper this thread only writes a request. The 50-job
 * benchmark pipeline went from 7.30 to 5.72 ms of overhead per step (medians of 12
 * alternating runs), while a job's steps one after another start about 0.3 ms
 * later, from the extra hops between the processes. Windows, a system without
 * `perl`, and SLUICE_SPAWN_HELPER=off use Node's child_process instead.
 */

/** Value of SLUICE_SPAWN_HELPER that turns the helper off. */
export const SPAWN_HELPER_OFF = 'off';

/**
 * Maximum number of processes in flight through the helper. Later ones start
 * with Node's child_process, because the helper waits with select(), which takes
 * only file descriptors below 1024, and each process uses two for its output.
 */
export const MAX_HELPER_PROCESSES = 200;

/** Frame header size: a type byte, then the request id and the payload length, both 32-bit big-endian. */
const HEADER_BYTES = 9;

/** State of one process that the helper runs. */
interface HelperProcess {
  file: string;
  onOutput: OutputListener;
  settleStarted: (value: { pid: number } | { startError: Error }) => void;
  settleExited: (value: ProcessTermination) => void;
  settleDrained: () => void;
  pid?: number;
  drainTimer?: NodeJS.Timeout;
}

interface Helper {
  child: ChildProcess;
  /** True once the helper has sent its ready frame. */
  ready: boolean;
  /** Resolves with true when the helper is ready, with false when it stopped before. */
  readyPromise: Promise<boolean>;
  processes: Map<number, HelperProcess>;
  nextId: number;
  /** Bytes of an incomplete frame from the helper. */
  pending: Buffer;
  /** The end of the helper's standard error, for the message when it stops. */
  stderr: string;
}

let shared: Helper | undefined;
/** Set when the helper could not start or stopped; processes then start with Node's child_process. */
let helperUnavailable = false;

function helperDisabled(): boolean {
  return helperUnavailable || process.platform === 'win32' || process.env.SLUICE_SPAWN_HELPER === SPAWN_HELPER_OFF;
}

function startHelper(): Helper | undefined {
  if (helperDisabled()) return undefined;
  if (shared !== undefined) return shared;
  let child: ChildProcess;
  try {
    child = spawn('perl', ['-e', SPAWN_HELPER_PROGRAM], { stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
  } catch {
    helperUnavailable = true;
    return undefined;
  }
  let settleReady: (ready: boolean) => void = () => undefined;
  const readyPromise = new Promise<boolean>((resolve) => {
    settleReady = resolve;
  });
  const helper: Helper = { child, ready: false, readyPromise, processes: new Map(), nextId: 1, pending: Buffer.alloc(0), stderr: '' };

  child.stdout!.on('data', (chunk: Buffer) => {
    if (readFrames(helper, chunk) && !helper.ready) {
      helper.ready = true;
      settleReady(true);
    }
  });
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (text: string) => {
    helper.stderr = (helper.stderr + text).slice(-2000);
  });
  let stopped = false;
  const stop = (reason: string): void => {
    if (stopped) return;
    stopped = true;
    helperUnavailable = true;
    if (shared === helper) shared = undefined;
    settleReady(false);
    const detail = helper.stderr.trim();
    failProcesses(helper, `the spawn helper stopped (${reason})${detail === '' ? '' : `: ${detail}`}`);
  };
  let exitReason = 'its output closed';
  child.once('exit', (code, signal) => {
    exitReason = signal === null ? `exit code ${String(code)}` : `signal ${signal}`;
  });
  child.once('error', (error) => stop(error.message));
  // The end of its output, not its exit, so that frames still in the pipe reach their processes first.
  child.stdout!.once('close', () => stop(exitReason));
  // EPIPE when the helper is gone, which the close handler of its output reports.
  child.stdin!.on('error', () => undefined);

  // An idle helper must not keep this process alive; a process in flight refs its output pipe.
  child.unref();
  (child.stdout as Socket).unref();
  (child.stderr as Socket).unref();
  (child.stdin as Socket).unref();
  shared = helper;
  return helper;
}

/**
 * Parses the frames in `chunk` and the bytes left from the last one, and returns
 * true when one of them was the ready frame.
 */
function readFrames(helper: Helper, chunk: Buffer): boolean {
  let data = helper.pending.length === 0 ? chunk : Buffer.concat([helper.pending, chunk]);
  let sawReady = false;
  while (data.length >= HEADER_BYTES) {
    const length = data.readUInt32BE(5);
    if (data.length < HEADER_BYTES + length) break;
    const type = String.fromCharCode(data[0]!);
    const id = data.readUInt32BE(1);
    const payload = data.subarray(HEADER_BYTES, HEADER_BYTES + length);
    data = data.subarray(HEADER_BYTES + length);
    if (type === 'R') sawReady = true;
    else handleFrame(helper, type, id, payload);
  }
  helper.pending = data;
  return sawReady;
}

const SIGNAL_NAMES = new Map<number, NodeJS.Signals>(Object.entries(constants.signals).map(([name, number]) => [number, name as NodeJS.Signals]));
const ERRNO_NAMES = new Map<number, string>(Object.entries(constants.errno).map(([name, number]) => [number, name]));

function handleFrame(helper: Helper, type: string, id: number, payload: Buffer): void {
  const entry = helper.processes.get(id);
  if (entry === undefined) return;
  switch (type) {
    case 'P':
      entry.pid = payload.readUInt32BE(0);
      entry.settleStarted({ pid: entry.pid });
      return;
    case 'F':
      forget(helper, id);
      entry.settleStarted({ startError: startError(entry.file, payload.readUInt32BE(0)) });
      return;
    case 'O':
      entry.onOutput('stdout', payload);
      return;
    case 'E':
      entry.onOutput('stderr', payload);
      return;
    case 'X': {
      // A wait status: the signal number in the low 7 bits, else the exit code in the next 8.
      const status = payload.readUInt32BE(0);
      const signalNumber = status & 0x7f;
      entry.settleExited(signalNumber === 0 ? { code: (status >> 8) & 0xff, signal: null } : { code: null, signal: SIGNAL_NAMES.get(signalNumber) ?? 'SIGKILL' });
      // As with Node's child_process, a grandchild that keeps the pipes open delays the step at most this long.
      entry.drainTimer = setTimeout(() => sendFrame(helper, 'C', id, Buffer.alloc(0)), PIPE_DRAIN_TIMEOUT_MS);
      return;
    }
    case 'D':
      if (entry.drainTimer !== undefined) clearTimeout(entry.drainTimer);
      forget(helper, id);
      entry.settleDrained();
      return;
  }
}

/** Returns the error Node's spawn gives for `errno`, such as `spawn bash ENOENT`. */
function startError(file: string, errno: number): NodeJS.ErrnoException {
  const code = ERRNO_NAMES.get(errno) ?? `errno ${errno}`;
  const error: NodeJS.ErrnoException = new Error(`spawn ${file} ${code}`);
  error.code = code;
  error.errno = -errno;
  error.syscall = `spawn ${file}`;
  error.path = file;
  return error;
}

function forget(helper: Helper, id: number): void {
  helper.processes.delete(id);
  if (helper.processes.size === 0) (helper.child.stdout as Socket).unref();
}

/**
 * Ends what the helper ran when it stops: a process not yet started gets a start
 * error, and a running one has lost its pipes, so its group is killed and it
 * counts as ended by SIGKILL.
 */
function failProcesses(helper: Helper, message: string): void {
  for (const entry of helper.processes.values()) {
    if (entry.drainTimer !== undefined) clearTimeout(entry.drainTimer);
    if (entry.pid === undefined) {
      entry.settleStarted({ startError: new Error(`${message}; run the command again`) });
      continue;
    }
    try {
      process.kill(-entry.pid, 'SIGKILL');
    } catch {
      // ESRCH: the group is gone already.
    }
    entry.settleExited({ code: null, signal: 'SIGKILL' });
    entry.settleDrained();
  }
  helper.processes.clear();
}

function sendFrame(helper: Helper, type: string, id: number, payload: Buffer): void {
  const header = Buffer.alloc(HEADER_BYTES);
  header.write(type, 0, 'latin1');
  header.writeUInt32BE(id, 1);
  header.writeUInt32BE(payload.length, 5);
  helper.child.stdin!.write(payload.length === 0 ? header : Buffer.concat([header, payload]));
}

/**
 * Starts the spawn helper, if it is not running. Perl takes a few milliseconds to
 * start, so a command that will run steps calls this early. Resolves with true
 * once the helper is ready, and with false when none runs.
 */
export function startSpawnHelper(): Promise<boolean> {
  return startHelper()?.readyPromise ?? Promise.resolve(false);
}

/**
 * Starts `launch` through the helper, detached in a session of its own, and
 * returns undefined when the helper is not ready (or not used). It is also
 * undefined for input that only Node's spawn can reject with its own error: a NUL
 * byte in a value, or an environment name that is empty or contains `=`.
 */
export function spawnWithHelper(launch: ProcessLaunch, onOutput: OutputListener): SpawnedProcess | undefined {
  const helper = startHelper();
  if (helper === undefined || !helper.ready || launch.windowsVerbatimArguments) return undefined;
  if (helper.processes.size >= MAX_HELPER_PROCESSES) return undefined;

  const environment: string[] = [];
  for (const [name, value] of Object.entries(launch.env)) {
    if (value === undefined) continue;
    if (name === '' || name.includes('=')) return undefined;
    environment.push(`${name}=${value}`);
  }
  const fields = [launch.cwd, String(environment.length), ...environment, launch.file, ...launch.args];
  if (fields.some((field) => field.includes('\0'))) return undefined;

  const id = helper.nextId;
  helper.nextId += 1;
  const entry: HelperProcess = { file: launch.file, onOutput, settleStarted: () => undefined, settleExited: () => undefined, settleDrained: () => undefined };
  const started = new Promise<{ pid: number } | { startError: Error }>((resolve) => {
    entry.settleStarted = resolve;
  });
  const exited = new Promise<ProcessTermination>((resolve) => {
    entry.settleExited = resolve;
  });
  const drained = new Promise<void>((resolve) => {
    entry.settleDrained = resolve;
  });
  helper.processes.set(id, entry);
  (helper.child.stdout as Socket).ref();
  sendFrame(helper, 'S', id, Buffer.from(fields.join('\0')));
  return { started, exited, drained };
}

/** Returns the pid of the running spawn helper, or undefined when none runs. */
export function spawnHelperProcessId(): number | undefined {
  return shared?.child.pid;
}
