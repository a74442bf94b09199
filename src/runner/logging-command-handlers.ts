import { aggregateResults, type TaskResult } from '../events/task-result.js';
import { isReservedVariableName, toEnvironmentName } from './environment-name.js';
import type { JobState, StepState } from './job-state.js';
import type { LoggingCommand } from './logging-command-parser.js';
import { RunnerErrorCode } from './runner-error-codes.js';

type Handler = (command: LoggingCommand, job: JobState, step: StepState) => void;

/** Parses a boolean property the way .NET bool.TryParse does: `true`/`false` in any case, else false. */
function parseBoolean(value: string | undefined): boolean {
  return value?.trim().toLowerCase() === 'true';
}

function invalid(job: JobState, step: StepState, message: string): void {
  job.events.issue(step.recordId, 'error', message, { code: RunnerErrorCode.InvalidLoggingCommand });
}

/** `task.complete result=…` names, matched case-insensitively (agent TaskResult enum). */
const COMPLETE_RESULTS: Record<string, TaskResult> = {
  succeeded: 'succeeded',
  succeededwithissues: 'succeededWithIssues',
  failed: 'failed',
  canceled: 'canceled',
  skipped: 'skipped',
};

function setVariable(command: LoggingCommand, job: JobState, step: StepState): void {
  const name = command.properties.get('variable')?.trim();
  if (!name) {
    invalid(job, step, "task.setvariable needs a 'variable' property, as in ##vso[task.setvariable variable=name]value");
    return;
  }

  const value = command.message;
  const isSecret = parseBoolean(command.properties.get('issecret'));
  const isOutput = parseBoolean(command.properties.get('isoutput'));
  const isReadOnly = parseBoolean(command.properties.get('isreadonly'));
  const preserveCase = parseBoolean(command.properties.get('preservecase'));

  // Azure rejects multi-line secrets because masks are applied line by line (agent TaskSetVariableCommand).
  if (isSecret && /[\r\n]/.test(value)) {
    job.events.issue(step.recordId, 'error', `task.setvariable: the secret '${name}' contains a line break; multi-line secrets are not allowed`, {
      code: RunnerErrorCode.MultiLineSecret,
    });
    return;
  }
  if (isSecret) job.masker.add(value);

  if (isOutput) {
    setOutputVariable(name, value, isSecret, job, step);
    return;
  }

  const existing = job.variables.get(name);
  if (existing?.readonly) {
    job.events.issue(step.recordId, 'error', `task.setvariable: the variable '${existing.name}' is read-only and cannot be set; use another name`, {
      code: RunnerErrorCode.ReadOnlyVariable,
    });
    return;
  }
  const variable = job.variables.set(name, value, { isSecret, readonly: isReadOnly || undefined, preserveCase: preserveCase || undefined });
  job.events.variableSet(step.recordId, variable.name, value, variable.isSecret, false);
  if (isReservedVariableName(name)) {
    job.events.issue(
      step.recordId,
      'warning',
      `task.setvariable: '${name}' starts with a reserved prefix (endpoint, input, secret, path, securefile), so later steps see it as $(${name}) but not in their environment; rename it to pass it to scripts`,
      { code: RunnerErrorCode.InvalidLoggingCommand },
    );
  }
}

function setOutputVariable(name: string, value: string, isSecret: boolean, job: JobState, step: StepState): void {
  if (!step.stepName) {
    job.events.issue(
      step.recordId,
      'warning',
      `task.setvariable: output variable '${name}' was set by a step without a name; add 'name:' to the step so later steps and jobs can read it as $(<name>.${name})`,
      { code: RunnerErrorCode.InvalidLoggingCommand },
    );
    return;
  }

  // Output variables are read-only and also readable in the same job as $(step.var) (agent ExecutionContext.SetVariable).
  const qualified = `${step.stepName}.${name}`;
  job.outputs[qualified] = value;
  job.variables.set(qualified, value, { isSecret, readonly: true });
  job.events.variableSet(step.recordId, qualified, value, isSecret, true);
}

function logIssue(command: LoggingCommand, job: JobState, step: StepState): void {
  const type = command.properties.get('type')?.trim().toLowerCase();
  if (type !== 'error' && type !== 'warning') {
    invalid(job, step, `task.logissue needs type=error or type=warning, got '${command.properties.get('type') ?? ''}'`);
    return;
  }

  const lineNumber = Number.parseInt(command.properties.get('linenumber') ?? '', 10);
  const columnNumber = Number.parseInt(command.properties.get('columnnumber') ?? '', 10);
  job.events.issue(step.recordId, type, command.message, {
    sourcePath: command.properties.get('sourcepath'),
    line: Number.isFinite(lineNumber) ? lineNumber : undefined,
    column: Number.isFinite(columnNumber) ? columnNumber : undefined,
    code: command.properties.get('code'),
  });
  job.events.log(step.recordId, 'stdout', command.message, type);
}

function complete(command: LoggingCommand, job: JobState, step: StepState): void {
  // The agent rejects a missing or unknown result although the docs call Succeeded the default.
  const raw = command.properties.get('result')?.trim().toLowerCase() ?? '';
  const result = COMPLETE_RESULTS[raw];
  if (!result) {
    invalid(job, step, `task.complete needs result=Succeeded, SucceededWithIssues or Failed, got '${command.properties.get('result') ?? ''}'`);
    return;
  }

  step.completeResult = step.completeResult ? aggregateResults([step.completeResult, result]) : result;
  if (command.message !== '') {
    if (result === 'failed') job.events.issue(step.recordId, 'error', command.message);
    else if (result === 'succeededWithIssues') job.events.issue(step.recordId, 'warning', command.message);
  }
}

function setProgress(command: LoggingCommand, job: JobState, step: StepState): void {
  const value = Number.parseInt(command.properties.get('value') ?? '', 10);
  if (!Number.isFinite(value) || value < 0 || value > 100) {
    invalid(job, step, `task.setprogress needs value=<0-100>, got '${command.properties.get('value') ?? ''}'`);
    return;
  }
  step.progress = value;
}

function prependPath(command: LoggingCommand, job: JobState, step: StepState): void {
  const directory = command.message.trim();
  if (directory === '') {
    invalid(job, step, 'task.prependpath needs a directory as its message, as in ##vso[task.prependpath]/opt/tool/bin');
    return;
  }
  prependPathEntry(job, directory);
}

/** Puts `directory` at the front of PATH for later steps, removing an earlier copy first (agent TaskPrepandPathCommand). */
export function prependPathEntry(job: JobState, directory: string): void {
  const index = job.pathPrepends.indexOf(directory);
  if (index >= 0) job.pathPrepends.splice(index, 1);
  job.pathPrepends.unshift(directory);
}

function setSecret(command: LoggingCommand, job: JobState, step: StepState): void {
  if (command.message === '') return;
  if (/[\r\n]/.test(command.message)) {
    job.events.issue(step.recordId, 'error', 'task.setsecret: a secret with a line break cannot be masked; register each line separately', {
      code: RunnerErrorCode.MultiLineSecret,
    });
    return;
  }
  job.masker.add(command.message);
}

function addAttachment(command: LoggingCommand, job: JobState, step: StepState): void {
  const type = command.properties.get('type');
  const name = command.properties.get('name');
  if (!type || !name || command.message.trim() === '') {
    invalid(job, step, 'task.addattachment needs type=, name= and a file path as its message');
    return;
  }
  job.attachments.push({ recordId: step.recordId, type, name, path: command.message.trim() });
}

function uploadSummary(command: LoggingCommand, job: JobState, step: StepState): void {
  const path = command.message.trim();
  if (path === '') {
    invalid(job, step, 'task.uploadsummary needs the path of a Markdown file as its message');
    return;
  }
  // Shorthand for addattachment with this type (learn.microsoft.com …/scripts/logging-commands).
  job.attachments.push({ recordId: step.recordId, type: 'Distributedtask.Core.Summary', name: path.split(/[\\/]/).pop() ?? path, path });
}

function uploadFile(command: LoggingCommand, job: JobState, step: StepState): void {
  const path = command.message.trim();
  if (path === '') return invalid(job, step, 'task.uploadfile needs a file path as its message');
  job.attachments.push({ recordId: step.recordId, type: 'DistributedTask.Core.Log', name: path.split(/[\\/]/).pop() ?? path, path });
}

function updateBuildNumber(command: LoggingCommand, job: JobState, step: StepState): void {
  const number = command.message.trim();
  if (number === '') return invalid(job, step, 'build.updatebuildnumber needs the new number as its message');
  job.buildNumber = number;
  job.variables.set('Build.BuildNumber', number, { readonly: true });
  job.events.variableSet(step.recordId, 'Build.BuildNumber', number, false, false);
}

function addBuildTag(command: LoggingCommand, job: JobState, step: StepState): void {
  const tag = command.message.trim();
  if (tag === '' || tag.includes(':')) {
    invalid(job, step, `build.addbuildtag needs a tag without ':' as its message, got '${tag}'`);
    return;
  }
  if (!job.buildTags.includes(tag)) job.buildTags.push(tag);
}

function debug(command: LoggingCommand, job: JobState, step: StepState): void {
  job.events.log(step.recordId, 'stdout', command.message, 'debug');
}

const HANDLERS: Record<string, Handler> = {
  'task.setvariable': setVariable,
  'task.logissue': logIssue,
  'task.issue': logIssue,
  'task.complete': complete,
  'task.setprogress': setProgress,
  'task.prependpath': prependPath,
  'task.setsecret': setSecret,
  'task.addattachment': addAttachment,
  'task.uploadsummary': uploadSummary,
  'task.uploadfile': uploadFile,
  'task.debug': debug,
  'build.updatebuildnumber': updateBuildNumber,
  'build.addbuildtag': addBuildTag,
  'build.uploadsummary': uploadSummary,
};

/**
 * Applies one logging command to the job and the running step. An unknown
 * command becomes a warning issue on the step, never an exception.
 */
export function handleLoggingCommand(command: LoggingCommand, job: JobState, step: StepState): void {
  const key = `${command.area}.${command.action}`;
  const handler = HANDLERS[key];
  if (!handler) {
    job.events.issue(step.recordId, 'warning', `unknown logging command '##vso[${key}]' was ignored; supported commands: ${Object.keys(HANDLERS).join(', ')}`, {
      code: RunnerErrorCode.UnknownLoggingCommand,
    });
    return;
  }
  handler(command, job, step);
}

/** Returns the environment name of a variable, keeping its case when it was set with `preservecase=true`. */
export function environmentNameOf(name: string, preserveCase?: boolean): string {
  return preserveCase ? name.replace(/[. ]/g, '_') : toEnvironmentName(name);
}
