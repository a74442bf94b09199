/** Where a command writes; the real process streams, or buffers in tests. */
export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** True when stdout is a terminal that can show the live tree. */
  isTerminal: boolean;
  /** Terminal width in columns, when known. */
  columns?: number;
  /** Whether to use ANSI colors (a terminal, and NO_COLOR unset). */
  color: boolean;
  cwd: string;
  /**
   * Registers a listener called once when stdout's reader goes away (EPIPE, as
   * in `sluice run | head`). Later stdout writes are dropped. Absent in tests.
   */
  onStdoutClosed?: (listener: () => void) => void;
}

/** Exit codes of every command. */
export const ExitCode = {
  success: 0,
  runFailed: 1,
  invalidInput: 2,
  /** An unexpected error inside Sluice itself (EX_SOFTWARE in sysexits.h). */
  internalError: 70,
  canceled: 130,
  /** Standard output was closed by its reader: 128 + SIGPIPE (13), what a shell shows for `yes | head`. */
  stdoutClosed: 141,
} as const;

/** Creates the CliIo of this process. */
export function processIo(): CliIo {
  const isTerminal = Boolean(process.stdout.isTTY);
  let stdoutOpen = true;
  const closedListeners: (() => void)[] = [];
  // Node ignores SIGPIPE, so a closed pipe arrives as an 'error' event, which would otherwise crash the process.
  process.stdout.on('error', () => {
    if (!stdoutOpen) return;
    stdoutOpen = false;
    for (const listener of closedListeners) listener();
  });
  // With stderr gone there is nowhere left to report anything, so its errors are dropped.
  process.stderr.on('error', () => undefined);

  // Text written to stdout in one turn of the event loop goes out in one write, because a
  // run of many short jobs prints a dozen events per job and each write is a system call.
  // Stderr is written at once, so the pending stdout text is written before it.
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    if (stdoutOpen) process.stdout.write(text);
  };
  process.once('exit', flush);
  return {
    stdout: (text) => {
      if (!stdoutOpen) return;
      if (pending.length === 0) setImmediate(flush);
      pending.push(text);
    },
    stderr: (text) => {
      flush();
      process.stderr.write(text);
    },
    onStdoutClosed: (listener) => closedListeners.push(listener),
    isTerminal,
    columns: process.stdout.columns,
    color: isTerminal && process.env.NO_COLOR === undefined,
    cwd: process.cwd(),
  };
}
