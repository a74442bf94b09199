/** A command line to start. */
export interface ProcessLaunch {
  file: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Pass arguments unquoted (cmd.exe on Windows). */
  windowsVerbatimArguments?: boolean;
}

/**
 * Time to wait, after the main process exits, for its output pipes to close. A
 * background grandchild that keeps the pipes open would otherwise hold the step
 * forever. After this wait the pipes are closed, and the grandchild keeps running.
 */
export const PIPE_DRAIN_TIMEOUT_MS = 2000;

/** Receives output chunks of one pipe in the order the process wrote them. */
export type OutputListener = (stream: 'stdout' | 'stderr', chunk: Uint8Array) => void;

/** The end of a process: its exit code, or the signal that ended it. */
export interface ProcessTermination {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A process started in a process group of its own, with stdin from /dev/null and both output pipes read. */
export interface SpawnedProcess {
  /** Resolves with the pid once the process runs, or with the error that kept it from starting. */
  readonly started: Promise<{ pid: number } | { startError: Error }>;
  /** Resolves when the process exits. It never resolves after a start error. */
  readonly exited: Promise<ProcessTermination>;
  /**
   * Resolves after the exit, once both pipes closed and all output reached the
   * listener, or PIPE_DRAIN_TIMEOUT_MS after the exit, when the pipes are closed by force.
   */
  readonly drained: Promise<void>;
}

/** Starts a process with a function like spawnProcess, for a caller that picks one. */
export type ProcessSpawner = (launch: ProcessLaunch, onOutput: OutputListener) => SpawnedProcess;
