import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

/**
 * Most characters kept for one unfinished output line. A process that writes
 * more without a newline has the text flushed as a line of its own, so memory
 * stays bounded.
 */
export const MAX_PENDING_LINE_LENGTH = 1024 * 1024;

/**
 * Time to wait, after the main process exits, for its output pipes to close. A
 * background grandchild that keeps the pipes open would otherwise hold the step
 * forever. After this wait the pipes are closed, and the grandchild keeps running.
 */
export const PIPE_DRAIN_TIMEOUT_MS = 2000;

/** A command line to start. */
export interface ProcessLaunch {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Pass arguments unquoted (cmd.exe on Windows). */
  windowsVerbatimArguments?: boolean;
}

/** The end state of a process run. */
export interface ProcessExit {
  /** Exit code, or undefined when a signal ended the process. */
  exitCode?: number;
  signal?: NodeJS.Signals;
  timedOut: boolean;
  canceled: boolean;
  /** The error when the process could not be started (ENOENT, EACCES). */
  startError?: Error;
  /** Process group id, for cleanup of leftover grandchildren at job end. */
  processGroupId?: number;
}

/** Limits and callbacks of one process run. */
export interface ProcessRunOptions {
  onLine: (stream: 'stdout' | 'stderr', line: string) => void;
  /** Milliseconds before the whole group gets SIGKILL; undefined for none. */
  timeoutMs?: number;
  /** Cancels the run: SIGINT to the group, then SIGKILL after `cancelGraceMs`. */
  signal?: AbortSignal;
  cancelGraceMs: number;
}

/** Sends `signal` to every process in the group led by `pid`; a group that is already gone is ignored. */
export function killProcessGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    // ESRCH: nothing left to signal.
  }
}

/** A running step process group, as the CLI lists it when it kills it. */
export interface LiveProcessGroup {
  /** Process group id, the pid of the group leader. */
  pid: number;
  /** The command line that started the leader, for messages. */
  command: string;
  /** Milliseconds between SIGINT and SIGKILL when the run is canceled. */
  cancelGraceMs: number;
}

/**
 * Process groups of this Node process whose leader has not exited yet. Entries
 * are added on spawn and removed on exit, so the CLI can kill what still runs
 * before it exits (a second Ctrl-C, or its standard output closing).
 */
const liveProcessGroups = new Map<number, LiveProcessGroup>();

/** Returns the process groups started by `runChildProcess` whose leader still runs. */
export function listLiveProcessGroups(): LiveProcessGroup[] {
  return [...liveProcessGroups.values()];
}

/**
 * Sends `signal` (default SIGKILL) to every live process group and returns the
 * groups signalled. SIGKILL also ends a step that traps SIGINT and its children.
 */
export function killLiveProcessGroups(signal: NodeJS.Signals = 'SIGKILL'): LiveProcessGroup[] {
  const groups = listLiveProcessGroups();
  for (const group of groups) killProcessGroup(group.pid, signal);
  return groups;
}

/** Splits decoded chunks into lines without their line endings. */
class LineSplitter {
  private pending = '';
  private readonly decoder = new StringDecoder('utf8');

  constructor(private readonly emit: (line: string) => void) {}

  write(chunk: Buffer): void {
    this.pending += this.decoder.write(chunk);
    let newline = this.pending.indexOf('\n');
    while (newline >= 0) {
      this.emit(this.pending.slice(0, newline).replace(/\r$/, ''));
      this.pending = this.pending.slice(newline + 1);
      newline = this.pending.indexOf('\n');
    }
    // NOTE: a secret that straddles this forced break is not masked; only output without newlines for 1 MiB reaches it.
    if (this.pending.length > MAX_PENDING_LINE_LENGTH) {
      this.emit(this.pending);
      this.pending = '';
    }
  }

  end(): void {
    this.pending += this.decoder.end();
    if (this.pending !== '') this.emit(this.pending.replace(/\r$/, ''));
    this.pending = '';
  }
}

/**
 * Runs a process detached in its own process group, streams its output line by
 * line, and kills the whole group on timeout (SIGKILL) or cancel (SIGINT, then
 * SIGKILL after the grace period). Never rejects: a start failure is reported in
 * the result.
 */
export async function runChildProcess(launch: ProcessLaunch, options: ProcessRunOptions): Promise<ProcessExit> {
  const child = spawn(launch.file, launch.args, {
    cwd: launch.cwd,
    env: launch.env,
    detached: process.platform !== 'win32',
    stdio: ['ignore', 'pipe', 'pipe'],
    windowsVerbatimArguments: launch.windowsVerbatimArguments,
    windowsHide: true,
  });

  const stdout = new LineSplitter((line) => options.onLine('stdout', line));
  const stderr = new LineSplitter((line) => options.onLine('stderr', line));
  child.stdout.on('data', (chunk: Buffer) => stdout.write(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.write(chunk));

  let timedOut = false;
  let canceled = false;
  const timers: NodeJS.Timeout[] = [];
  const pid = child.pid;
  if (pid !== undefined) {
    liveProcessGroups.set(pid, { pid, command: [launch.file, ...launch.args].join(' '), cancelGraceMs: options.cancelGraceMs });
  }

  const onAbort = (): void => {
    if (pid === undefined || canceled) return;
    canceled = true;
    killProcessGroup(pid, 'SIGINT');
    timers.push(setTimeout(() => killProcessGroup(pid, 'SIGKILL'), options.cancelGraceMs));
  };
  if (options.timeoutMs !== undefined && pid !== undefined) {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        killProcessGroup(pid, 'SIGKILL');
      }, options.timeoutMs),
    );
  }
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const exit = await waitForExit(child);
    if (pid !== undefined) liveProcessGroups.delete(pid);
    if (exit.startError) return { timedOut, canceled, startError: exit.startError };

    // A canceled or timed-out step leaves nothing behind, even a grandchild that ignored SIGINT.
    if ((canceled || timedOut) && pid !== undefined) killProcessGroup(pid, 'SIGKILL');
    await waitForPipes(child);
    stdout.end();
    stderr.end();
    return { exitCode: exit.code ?? undefined, signal: exit.signal ?? undefined, timedOut, canceled, processGroupId: pid };
  } finally {
    if (pid !== undefined) liveProcessGroups.delete(pid);
    for (const timer of timers) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}

function waitForExit(child: ReturnType<typeof spawn>): Promise<{ code?: number | null; signal?: NodeJS.Signals | null; startError?: Error }> {
  return new Promise((resolve) => {
    child.once('error', (error) => resolve({ startError: error }));
    child.once('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Waits for both pipes to close, at most PIPE_DRAIN_TIMEOUT_MS, then closes them. */
function waitForPipes(child: ReturnType<typeof spawn>): Promise<void> {
  const streams = [child.stdout, child.stderr].filter((stream) => stream !== null && !stream.closed);
  if (streams.length === 0) return Promise.resolve();

  return new Promise((resolve) => {
    let open = streams.length;
    const timer = setTimeout(() => {
      for (const stream of streams) stream?.destroy();
      resolve();
    }, PIPE_DRAIN_TIMEOUT_MS);
    for (const stream of streams) {
      stream?.once('close', () => {
        open -= 1;
        if (open === 0) {
          clearTimeout(timer);
          resolve();
        }
      });
    }
  });
}
