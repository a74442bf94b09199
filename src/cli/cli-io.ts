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
}

/** Exit codes of every command. */
export const ExitCode = {
  success: 0,
  runFailed: 1,
  invalidInput: 2,
  /** An unexpected error inside Sluice itself (EX_SOFTWARE in sysexits.h). */
  internalError: 70,
  canceled: 130,
} as const;

/** Creates the CliIo of this process. */
export function processIo(): CliIo {
  const isTerminal = Boolean(process.stdout.isTTY);
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    isTerminal,
    columns: process.stdout.columns,
    color: isTerminal && process.env.NO_COLOR === undefined,
    cwd: process.cwd(),
  };
}
