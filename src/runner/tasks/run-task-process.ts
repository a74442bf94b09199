import type { StepDefinition } from '../../language/pipeline/pipeline-model.js';
import { runChildProcess, type ProcessLaunch } from '../child-process-run.js';
import { MS_PER_MINUTE } from '../job-control.js';
import type { JobRunContext } from '../job-run-context.js';
import type { StepState } from '../job-state.js';
import { handleLoggingCommand } from '../logging-command-handlers.js';
import { parseFormattingCommand, parseLoggingCommand, type LoggingCommand } from '../logging-command-parser.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { processOutcome } from '../process-outcome.js';
import { RunnerErrorCode } from '../runner-error-codes.js';

/** How to run a task's process and judge its end. */
export interface TaskProcessOptions {
  launch: ProcessLaunch;
  /** Name in "<tool> exited with code 'N'." */
  toolName: string;
  failOnStderr?: boolean;
  /** Returns a reason to reject a logging command (task.json restrictions), or undefined to apply it. */
  filterCommand?: (command: LoggingCommand) => string | undefined;
  /** Called after a command was applied (task packages mark declared output variables here). */
  afterCommand?: (command: LoggingCommand) => void;
}

function stepTimeoutMs(context: JobRunContext, step: StepDefinition): number | undefined {
  const own = step.timeoutInMinutes > 0 ? step.timeoutInMinutes * MS_PER_MINUTE : undefined;
  const remaining = context.control.remainingAfterCancelMs();
  if (remaining === undefined) return own;
  return own === undefined ? remaining : Math.min(own, remaining);
}

/**
 * Runs a task's process (python, node) in its own process group, applying
 * logging commands from its output as for script steps, with the step's
 * timeout and the job's cancellation. Output is masked by the event writer.
 */
export async function runTaskProcess(context: JobRunContext, step: StepDefinition, state: StepState, options: TaskProcessOptions): Promise<StepAttemptResult> {
  const { job } = context;
  let stderrLines = 0;
  const startedCanceled = context.control.canceled;
  const timeoutMs = stepTimeoutMs(context, step);

  const exit = await runChildProcess(options.launch, {
    timeoutMs,
    signal: startedCanceled ? undefined : context.control.signal,
    cancelGraceMs: context.control.cancelGraceMs,
    onLine: (stream, line) => {
      if (stream === 'stderr') stderrLines += 1;
      const command = parseLoggingCommand(line, job.decodePercents);
      if (command) {
        const rejection = options.filterCommand?.(command);
        if (rejection !== undefined) {
          job.events.issue(state.recordId, 'warning', rejection, { code: RunnerErrorCode.TaskCommandRestricted });
          return;
        }
        handleLoggingCommand(command, job, state);
        options.afterCommand?.(command);
        return;
      }
      const formatting = parseFormattingCommand(line);
      if (formatting) job.events.log(state.recordId, stream, formatting.text, formatting.kind);
      else job.events.log(state.recordId, stream, line);
    },
  });
  if (exit.processGroupId !== undefined) context.processGroups.add(exit.processGroupId);

  return processOutcome(
    exit,
    {
      file: options.launch.file,
      toolName: options.toolName,
      timeoutMinutes: (timeoutMs ?? 0) / MS_PER_MINUTE,
      failOnStderr: options.failOnStderr ?? false,
      stderrLines,
      cancelReason: context.control.cancelReason,
    },
    state,
  );
}
