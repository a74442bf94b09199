import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { TaskResult } from '../events/task-result.js';
import type { StepDefinition } from '../language/pipeline/pipeline-model.js';
import { runChildProcess } from './child-process-run.js';
import { findExecutable } from './executable-lookup.js';
import type { JobRunContext } from './job-run-context.js';
import type { StepState } from './job-state.js';
import { handleLoggingCommand } from './logging-command-handlers.js';
import { parseFormattingCommand, parseLoggingCommand } from './logging-command-parser.js';
import { RunnerErrorCode, type RunnerErrorCodeValue } from './runner-error-codes.js';
import { prepareScriptLaunch, type ShellPaths } from './script-invocation.js';
import type { StepAction } from './step-action.js';
import { buildStepEnvironment } from './step-environment.js';
import type { ContainerErrorCodeValue } from './containers/container-error-codes.js';
import { CONTAINER_SHELLS, containerLaunch, stepPlacement } from './containers/container-step-launch.js';
import { formatLocation } from '../language/source-location.js';
import { MS_PER_MINUTE } from './job-control.js';
import { processOutcome } from './process-outcome.js';

/** Result of one attempt of a step. */
export interface StepAttemptResult {
  result: TaskResult;
  reason?: string;
  code?: RunnerErrorCodeValue | ContainerErrorCodeValue;
}

/** Returns the tool name Azure uses in "<tool> exited with code 'N'." messages. */
function toolName(action: Extract<StepAction, { kind: 'script' }>): string {
  if (action.invocation.shell === 'powershell') return action.invocation.core ? 'pwsh' : 'PowerShell';
  if (action.invocation.shell === 'cmdline' && process.platform === 'win32') return 'cmd.exe';
  return 'Bash';
}

async function resolveShells(context: JobRunContext, action: Extract<StepAction, { kind: 'script' }>, step: StepDefinition, searchPath: string | undefined): Promise<ShellPaths | StepAttemptResult> {
  const shells: ShellPaths = { bash: context.options.bashPath };
  if (action.invocation.shell !== 'powershell') return shells;

  if (action.invocation.core) {
    shells.pwsh = await findExecutable(context.options.pwshPath, searchPath);
    if (!shells.pwsh) {
      const where = formatLocation(step.location);
      return {
        result: 'failed',
        code: RunnerErrorCode.PowerShellNotFound,
        reason:
          `${where}: the ${step.type === 'task' ? 'PowerShell@2' : step.type} step '${step.displayName ?? step.name ?? step.type}' needs PowerShell Core ('${context.options.pwshPath}'), ` +
          'which was not found on PATH; install PowerShell 7 (https://aka.ms/powershell) or rewrite the step as a bash step',
      };
    }
  } else {
    shells.windowsPowerShell = await findExecutable(context.options.windowsPowerShellPath, searchPath);
    if (!shells.windowsPowerShell) return { result: 'failed', code: RunnerErrorCode.PowerShellNotFound, reason: `Windows PowerShell ('${context.options.windowsPowerShellPath}') was not found on PATH` };
  }
  return shells;
}

async function resolveWorkingDirectory(context: JobRunContext, requested: string | undefined, inContainer = false): Promise<string | StepAttemptResult> {
  const base = context.job.variables.value('System.DefaultWorkingDirectory') ?? context.sourcesDirectory;
  let directory = base;
  if (requested) directory = isAbsolute(requested) ? requested : resolve(base, requested);
  // An absolute folder outside the workspace is not checked on the host, because `docker exec -w` fails inside the container when it is missing.
  if (inContainer && !directory.startsWith(context.workspace.buildDirectory) && isAbsolute(requested ?? '')) return directory;
  // One synchronous stat: as a thread-pool round trip it waited behind the other jobs' work for milliseconds.
  let isDirectory = false;
  try {
    isDirectory = statSync(directory).isDirectory();
  } catch {
    // Missing or unreadable: reported below.
  }
  if (isDirectory) return directory;
  return {
    result: 'failed',
    code: RunnerErrorCode.WorkingDirectoryNotFound,
    reason: `workingDirectory '${directory}' does not exist; create it in an earlier step or fix the path`,
  };
}

/** Returns the step timeout in milliseconds, shortened to what remains after a cancel. */
function stepTimeoutMs(context: JobRunContext, step: StepDefinition): number | undefined {
  const own = step.timeoutInMinutes > 0 ? step.timeoutInMinutes * MS_PER_MINUTE : undefined;
  const remaining = context.control.remainingAfterCancelMs();
  if (remaining === undefined) return own;
  return own === undefined ? remaining : Math.min(own, remaining);
}

/**
 * Runs a script step or script task once: writes the script, starts the shell in
 * its own process group, feeds each output line through the logging-command
 * parser and the masker, and turns exit code, timeout, cancel and stderr into a result.
 */
export async function runScriptStep(context: JobRunContext, step: StepDefinition, action: Extract<StepAction, { kind: 'script' }>, state: StepState): Promise<StepAttemptResult> {
  const { job } = context;
  const placement = stepPlacement(context.containers, step);
  if (placement.kind === 'invalid') return { result: 'failed', code: placement.code, reason: placement.message };
  const inContainer = placement.kind === 'container' ? placement.container : undefined;
  // A step in a container starts from the container's PATH, not from the runner's environment.
  const containerBase = inContainer && context.containers ? { PATH: context.containers.jobContainerPath } : undefined;
  const env = buildStepEnvironment(context, step.env, action.extraEnvironment, containerBase);
  const pathValue = env.PATH ?? env.Path;

  const shells = inContainer ? CONTAINER_SHELLS : await resolveShells(context, action, step, pathValue);
  if ('result' in shells) return shells;
  // The workspace has the same path inside the container, so the host check is valid unless the folder lies elsewhere.
  const cwd = await resolveWorkingDirectory(context, action.workingDirectory, inContainer !== undefined);
  if (typeof cwd !== 'string') return cwd;

  let { launch, displayCommand } = prepareScriptLaunch(action.invocation, context.workspace.tempDirectory, shells, cwd, env);
  let stopInContainer: (() => Promise<void>) | undefined;
  if (inContainer && context.containers) {
    ({ launch, displayCommand, stop: stopInContainer } = containerLaunch(context.containers, inContainer, launch, env, context.workspace.tempDirectory));
  }
  if ('script' in action.invocation && action.invocation.script !== undefined) {
    job.events.log(state.recordId, 'system', 'Script contents:');
    for (const line of action.invocation.script.split(/\r?\n/)) job.events.log(state.recordId, 'system', line);
  }
  job.events.log(state.recordId, 'system', displayCommand, 'command');

  let stderrLines = 0;
  const startedCanceled = context.control.canceled;
  const timeoutMs = stepTimeoutMs(context, step);
  const exit = await runChildProcess(launch, {
    timeoutMs,
    // A step that starts after the cancel (always()) is bounded by the cancel budget, not interrupted at once.
    signal: startedCanceled ? undefined : context.control.signal,
    cancelGraceMs: context.control.cancelGraceMs,
    onLine: (stream, line) => {
      if (stream === 'stderr') stderrLines += 1;
      const command = parseLoggingCommand(line, job.decodePercents);
      if (command) {
        handleLoggingCommand(command, job, state);
        return;
      }
      const formatting = parseFormattingCommand(line);
      if (formatting) job.events.log(state.recordId, stream, formatting.text, formatting.kind);
      else job.events.log(state.recordId, stream, line);
    },
  });
  if (exit.processGroupId !== undefined) context.processGroups.add(exit.processGroupId);
  if ((exit.timedOut || exit.canceled) && stopInContainer) await stopInContainer();

  const minutes = step.timeoutInMinutes > 0 && !startedCanceled ? step.timeoutInMinutes : (timeoutMs ?? 0) / MS_PER_MINUTE;
  return processOutcome(
    exit,
    { file: launch.file, toolName: toolName(action), timeoutMinutes: minutes, failOnStderr: action.failOnStderr, stderrLines, cancelReason: context.control.cancelReason },
    state,
  );
}
