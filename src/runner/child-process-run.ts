import { StringDecoder } from 'node:string_decoder';

import { spawnProcess } from './process-spawner.js';
import type { ProcessLaunch, ProcessSpawner } from './spawned-process.js';

export type { ProcessLaunch } from './spawned-process.js';

/**
 * Most characters kept for one unfinished output line. A process that writes
 * more without a newline has the text flushed as a line of its own, so memory
 * stays bounded.
 */
export const MAX_PENDING_LINE_LENGTH = 1024 * 1024;

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

  write(chunk: Uint8Array): void {
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
 * the result. `spawner` starts the process; tests pick one, runs use spawnProcess.
 */
export async function runChildProcess(launch: ProcessLaunch, options: ProcessRunOptions, spawner: ProcessSpawner = spawnProcess): Promise<ProcessExit> {
  const stdout = new LineSplitter((line) => options.onLine('stdout', line));
  const stderr = new LineSplitter((line) => options.onLine('stderr', line));
  const child = spawner(launch, (stream, chunk) => (stream === 'stdout' ? stdout : stderr).write(chunk));

  let timedOut = false;
  let canceled = false;
  // Through the spawn helper the pid comes in a reply. A cancel or timeout before
  // that is applied when the pid arrives.
  let pid: number | undefined;
  const timers: NodeJS.Timeout[] = [];
  const signalGroup = (signal: NodeJS.Signals): void => {
    if (pid !== undefined) killProcessGroup(pid, signal);
  };

  const onAbort = (): void => {
    if (canceled) return;
    canceled = true;
    signalGroup('SIGINT');
    timers.push(setTimeout(() => signalGroup('SIGKILL'), options.cancelGraceMs));
  };
  if (options.timeoutMs !== undefined) {
    timers.push(
      setTimeout(() => {
        timedOut = true;
        signalGroup('SIGKILL');
      }, options.timeoutMs),
    );
  }
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });

  try {
    const start = await child.started;
    if ('startError' in start) return { timedOut, canceled, startError: start.startError };
    pid = start.pid;
    liveProcessGroups.set(pid, { pid, command: [launch.file, ...launch.args].join(' '), cancelGraceMs: options.cancelGraceMs });
    if (timedOut) signalGroup('SIGKILL');
    else if (canceled) signalGroup('SIGINT');

    const exit = await child.exited;
    liveProcessGroups.delete(pid);
    // A canceled or timed-out step leaves nothing behind, even a grandchild that ignored SIGINT.
    if (canceled || timedOut) signalGroup('SIGKILL');
    await child.drained;
    stdout.end();
    stderr.end();
    return { exitCode: exit.code ?? undefined, signal: exit.signal ?? undefined, timedOut, canceled, processGroupId: pid };
  } finally {
    if (pid !== undefined) liveProcessGroups.delete(pid);
    for (const timer of timers) clearTimeout(timer);
    options.signal?.removeEventListener('abort', onAbort);
  }
}
