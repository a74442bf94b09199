import type { LiveProcessGroup } from '../runner/child-process-run.js';

/** Azure's default `cancelTimeoutInMinutes` (learn.microsoft.com …/yaml-schema/jobs-job). */
const DEFAULT_CANCEL_TIMEOUT_MINUTES = 5;

/** Longest command text shown for a killed process group. */
const MAX_COMMAND_LENGTH = 120;

/**
 * Formats the first Ctrl-C's message: how long steps have between SIGINT and
 * SIGKILL, taken from the cancel grace of the steps running now.
 */
export function formatCancelMessage(running: readonly LiveProcessGroup[]): string {
  const graces = [...new Set(running.map((group) => group.cancelGraceMs))].sort((a, b) => a - b);
  let when: string;
  if (graces.length === 0) when = `after the job's cancelTimeoutInMinutes (default ${DEFAULT_CANCEL_TIMEOUT_MINUTES} minutes)`;
  else if (graces.length === 1) when = `after ${formatGrace(graces[0]!)} (the job's cancelTimeoutInMinutes)`;
  else when = `after ${formatGrace(graces[0]!)} to ${formatGrace(graces[graces.length - 1]!)} (each job's cancelTimeoutInMinutes)`;
  return `\nCanceling the run: steps get SIGINT now and are killed ${when}. Press Ctrl-C again to kill them now and exit.\n`;
}

/** Formats the list of process groups killed before the CLI exits, one line each. */
export function formatKilledGroups(killed: readonly LiveProcessGroup[]): string {
  if (killed.length === 0) return 'No step processes were running.\n';
  const lines = killed.map((group) => `  killed process group ${group.pid}: ${shorten(group.command)}`);
  const noun = killed.length === 1 ? 'process group' : 'process groups';
  return `Killed ${killed.length} step ${noun} with SIGKILL:\n${lines.join('\n')}\n`;
}

function formatGrace(milliseconds: number): string {
  if (milliseconds % 60_000 === 0) {
    const minutes = milliseconds / 60_000;
    return `${minutes} ${minutes === 1 ? 'minute' : 'minutes'}`;
  }
  const seconds = Math.round(milliseconds / 100) / 10;
  return `${seconds} ${seconds === 1 ? 'second' : 'seconds'}`;
}

function shorten(command: string): string {
  return command.length > MAX_COMMAND_LENGTH ? `${command.slice(0, MAX_COMMAND_LENGTH - 3)}...` : command;
}
