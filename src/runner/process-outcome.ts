import { aggregateResults } from '../events/task-result.js';
import type { ProcessExit } from './child-process-run.js';
import type { StepState } from './job-state.js';
import type { StepAttemptResult } from './run-script-step.js';
import { RunnerErrorCode } from './runner-error-codes.js';

/** Facts about one step process that decide its result besides the exit itself. */
export interface ProcessOutcomeInputs {
  /** Command that was started, for the start-failure message. */
  file: string;
  /** Tool name in Azure's "<tool> exited with code 'N'." message. */
  toolName: string;
  /** Minutes shown in the timeout message. */
  timeoutMinutes: number;
  failOnStderr: boolean;
  stderrLines: number;
  cancelReason?: string;
}

/**
 * Turns a finished step process into the step's result: start failure, timeout,
 * cancel, exit code, then failOnStderr, merged worst-wins with a
 * `task.complete` result the step reported (a cancel stays a cancel).
 */
export function processOutcome(exit: ProcessExit, inputs: ProcessOutcomeInputs, state: StepState): StepAttemptResult {
  let outcome: StepAttemptResult;
  if (exit.startError) {
    outcome = { result: 'failed', code: RunnerErrorCode.ProcessStartFailed, reason: `could not start ${inputs.file}: ${exit.startError.message}` };
  } else if (exit.timedOut) {
    outcome = { result: 'failed', code: RunnerErrorCode.StepTimedOut, reason: `timed out after ${inputs.timeoutMinutes} minutes` };
  } else if (exit.canceled) {
    outcome = { result: 'canceled', reason: inputs.cancelReason ?? 'the step was canceled' };
  } else if (exit.exitCode !== 0) {
    const how = exit.exitCode === undefined ? `was terminated by signal ${exit.signal ?? 'unknown'}` : `exited with code '${exit.exitCode}'`;
    outcome = { result: 'failed', code: RunnerErrorCode.NonZeroExitCode, reason: `${inputs.toolName} ${how}.` };
  } else if (inputs.failOnStderr && inputs.stderrLines > 0) {
    outcome = {
      result: 'failed',
      code: RunnerErrorCode.StderrWritten,
      reason: `${inputs.toolName} wrote ${inputs.stderrLines} line(s) to the standard error stream and failOnStderr is true.`,
    };
  } else {
    outcome = { result: 'succeeded' };
  }

  if (!state.completeResult || outcome.result === 'canceled') return outcome;
  const merged = aggregateResults([outcome.result, state.completeResult]);
  if (merged !== outcome.result && outcome.reason === undefined) return { result: merged, reason: `task.complete set the result to ${state.completeResult}` };
  return { ...outcome, result: merged };
}
