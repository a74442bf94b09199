import type { CheckoutStep, StepDefinition, TaskStep } from '../language/pipeline/pipeline-model.js';
import { RunnerErrorCode, type RunnerErrorCodeValue } from './runner-error-codes.js';
import { ERROR_ACTION_PREFERENCES, type ScriptInvocation } from './script-invocation.js';
import { lookupTask } from './task-registry.js';
import type { PythonRequest } from './use-python-version.js';
import { isBuiltinTaskName } from './tasks/builtin-task-catalog.js';
import type { BuiltinTaskAction } from './tasks/builtin-tasks.js';

/** The work a step does, after its inputs were read and macro-expanded. */
export type StepAction =
  | {
      kind: 'script';
      invocation: ScriptInvocation;
      workingDirectory?: string;
      failOnStderr: boolean;
      /** Extra environment the task sets (BASH_ENV for Bash@3). */
      extraEnvironment: Record<string, string>;
    }
  | { kind: 'python'; request: PythonRequest; addToPath: boolean }
  | { kind: 'checkout'; repository: string; path?: string; step: CheckoutStep }
  /** A step that has nothing to do, such as `download: none`. */
  | { kind: 'noop'; message: string }
  | { kind: 'invalid'; code: RunnerErrorCodeValue; message: string }
  /** A task run by a handler in src/runner/tasks/ (CopyFiles, Cache, the artifact tasks …). */
  | BuiltinTaskAction;


/** Parses a boolean input as task-lib's getBoolInput: true only for `true` in any case. */
function isTrue(value: string | undefined): boolean {
  return value?.trim().toUpperCase() === 'TRUE';
}

/** Reads task inputs case-insensitively, expanding macros; the agent trims keys and values. */
function inputReader(step: TaskStep, expand: (text: string) => string): (name: string, fallback?: string) => string | undefined {
  const inputs = new Map<string, string>();
  for (const [key, value] of Object.entries(step.inputs)) inputs.set(key.trim().toLowerCase(), value.trim());
  return (name, fallback) => {
    const raw = inputs.get(name.toLowerCase()) ?? fallback;
    return raw === undefined ? undefined : expand(raw);
  };
}

function invalidInput(task: string, message: string): StepAction {
  return { kind: 'invalid', code: RunnerErrorCode.InvalidTaskInput, message: `${task}: ${message}` };
}

function powerShellAction(
  core: boolean,
  source: { script?: string; filePath?: string; arguments?: string },
  options: { errorActionPreference: string; preferences: Record<string, string>; ignoreLASTEXITCODE: boolean },
  workingDirectory: string | undefined,
  failOnStderr: boolean,
  label: string,
): StepAction {
  if (!ERROR_ACTION_PREFERENCES.includes(options.errorActionPreference.toLowerCase())) {
    return invalidInput(label, `errorActionPreference '${options.errorActionPreference}' is invalid; use stop, continue or silentlyContinue`);
  }
  return {
    kind: 'script',
    invocation: { shell: 'powershell', core, ...source, ...options },
    workingDirectory,
    failOnStderr,
    extraEnvironment: {},
  };
}

function taskAction(step: TaskStep, expand: (text: string) => string): StepAction {
  const task = lookupTask(step.task, step.version);
  if (!task) {
    return { kind: 'invalid', code: RunnerErrorCode.UnsupportedTask, message: `task '${step.task}@${step.version}' is not supported by the local runner` };
  }
  const input = inputReader(step, expand);
  const label = `${task.name}@${task.majorVersions[0]}`;

  switch (task.name) {
    case 'CmdLine':
      return {
        kind: 'script',
        invocation: { shell: 'cmdline', script: input('script', '') ?? '' },
        workingDirectory: input('workingDirectory') || undefined,
        failOnStderr: isTrue(input('failOnStderr')),
        extraEnvironment: {},
      };
    case 'Bash': {
      // targetType defaults to filePath in BashV3's task.json.
      const targetType = (input('targetType', 'filePath') ?? '').toLowerCase();
      const extraEnvironment: Record<string, string> = {};
      const bashEnv = input('bashEnvValue');
      if (bashEnv) extraEnvironment.BASH_ENV = bashEnv;
      const common = { workingDirectory: input('workingDirectory') || undefined, failOnStderr: isTrue(input('failOnStderr')), extraEnvironment };
      if (targetType === 'inline') return { kind: 'script', invocation: { shell: 'bash', script: input('script', '') ?? '' }, ...common };
      if (targetType !== 'filepath') return invalidInput(label, `targetType '${targetType}' is invalid; use filePath or inline`);
      const filePath = input('filePath');
      if (!filePath) return invalidInput(label, "input 'filePath' is required when targetType is filePath");
      return { kind: 'script', invocation: { shell: 'bash-file', filePath, arguments: input('arguments', '') ?? '' }, ...common };
    }
    case 'PowerShell': {
      const targetType = (input('targetType', 'filePath') ?? '').toLowerCase();
      if (targetType !== 'inline' && targetType !== 'filepath') return invalidInput(label, `targetType '${targetType}' is invalid; use filePath or inline`);
      const filePath = input('filePath');
      if (targetType === 'filepath' && !filePath) return invalidInput(label, "input 'filePath' is required when targetType is filePath");
      const source = targetType === 'inline' ? { script: input('script', '') ?? '' } : { filePath, arguments: input('arguments', '') ?? '' };
      const preferences: Record<string, string> = {
        WarningPreference: input('warningPreference', 'default') ?? 'default',
        InformationPreference: input('informationPreference', 'default') ?? 'default',
        VerbosePreference: input('verbosePreference', 'default') ?? 'default',
        DebugPreference: input('debugPreference', 'default') ?? 'default',
        ProgressPreference: input('progressPreference', 'silentlyContinue') ?? 'silentlyContinue',
      };
      // PowerShell@2 uses Windows PowerShell on Windows unless pwsh: true; elsewhere only pwsh exists.
      const core = isTrue(input('pwsh')) || process.platform !== 'win32';
      return powerShellAction(
        core,
        source,
        { errorActionPreference: input('errorActionPreference', 'stop') ?? 'stop', preferences, ignoreLASTEXITCODE: isTrue(input('ignoreLASTEXITCODE')) },
        input('workingDirectory') || undefined,
        isTrue(input('failOnStderr')),
        label,
      );
    }
    case 'UsePythonVersion': {
      const addToPath = input('addToPath', 'true');
      return {
        kind: 'python',
        request: {
          versionSpec: input('versionSpec', '3.x') ?? '3.x',
          architecture: input('architecture', 'x64') ?? 'x64',
          allowUnstable: isTrue(input('allowUnstable')),
        },
        addToPath: isTrue(addToPath),
      };
    }
    default:
      if (isBuiltinTaskName(task.name)) return { kind: 'builtin', task: task.name, label: `${task.name}@${Number.parseInt(step.version, 10)}`, inputs: step.inputs };
      return { kind: 'invalid', code: RunnerErrorCode.UnsupportedTask, message: `task '${step.task}@${step.version}' is registered but has no runner` };
  }
}

/** Decides how to run `step`; `expand` applies macro expansion with the variables at step start. */
export function resolveStepAction(step: StepDefinition, expand: (text: string) => string): StepAction {
  switch (step.type) {
    case 'script':
    case 'bash':
      return {
        kind: 'script',
        invocation: { shell: step.type === 'script' ? 'cmdline' : 'bash', script: expand(step.script) },
        workingDirectory: step.workingDirectory ? expand(step.workingDirectory) : undefined,
        failOnStderr: step.failOnStderr,
        extraEnvironment: {},
      };
    case 'pwsh':
    case 'powershell':
      return powerShellAction(
        step.type === 'pwsh' || process.platform !== 'win32',
        { script: expand(step.script) },
        {
          errorActionPreference: step.errorActionPreference ?? 'stop',
          preferences: { ProgressPreference: 'silentlyContinue' },
          ignoreLASTEXITCODE: step.ignoreLASTEXITCODE ?? false,
        },
        step.workingDirectory ? expand(step.workingDirectory) : undefined,
        step.failOnStderr,
        step.type,
      );
    case 'task':
      return taskAction(step, expand);
    case 'checkout':
      // Macros are not expanded in the checkout value (learn.microsoft.com …/process/variables).
      return { kind: 'checkout', repository: step.repository, path: step.path, step };
    case 'download':
      if (step.source.toLowerCase() === 'none') return { kind: 'noop', message: 'download: none, so no artifacts are downloaded' };
      if (step.source.toLowerCase() !== 'current') {
        return {
          kind: 'invalid',
          code: RunnerErrorCode.UnsupportedStep,
          message: `download: ${step.source} needs the artifacts of another pipeline run, which local runs do not have; download from 'current'`,
        };
      }
      // Current-run artifacts go to $(Pipeline.Workspace)/<artifact> (learn.microsoft.com …/yaml-schema/steps-download).
      return {
        kind: 'builtin',
        task: 'DownloadPipelineArtifact',
        label: 'download',
        inputs: {
          source: 'current',
          ...(step.artifact ? { artifact: step.artifact } : {}),
          ...(step.patterns ? { patterns: step.patterns } : {}),
          path: step.artifact ? `$(Pipeline.Workspace)/${step.artifact}` : '$(Pipeline.Workspace)',
        },
      };
    case 'publish':
      // The shortcut for PublishPipelineArtifact@1 (learn.microsoft.com …/yaml-schema/steps-publish).
      return { kind: 'builtin', task: 'PublishPipelineArtifact', label: 'publish', inputs: { targetPath: step.path, ...(step.artifact ? { artifact: step.artifact } : {}) } };
  }
}
