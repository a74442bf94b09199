import { readFile } from 'node:fs/promises';
import { prependPathEntry } from '../logging-command-handlers.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { formatVersion, parseRange, satisfiesRange } from '../version-range.js';
import { logTask, resolveTaskPath, warnTask, type BuiltinTaskRun } from './builtin-task-run.js';
import { findNodeInstallations } from './node-installations.js';
import { taskJobStateOf } from './task-job-state.js';
import { TaskStepError } from './task-step-error.js';

/** Reads the version spec from a file such as `.nvmrc`: the first line, without a leading `v`. */
async function versionFromFile(run: BuiltinTaskRun, path: string): Promise<string> {
  const file = resolveTaskPath(run.context, path);
  const text = await readFile(file, 'utf8').catch(() => undefined);
  if (text === undefined) throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${run.label}: versionFilePath '${file}' cannot be read; check the path`);
  return (text.split(/\r?\n/)[0] ?? '').trim().replace(/^v(?=\d)/i, '');
}

/**
 * NodeTool@0 and UseNode@1: puts the newest Node.js on this machine that
 * matches the version spec in front of PATH for later steps. Versions come from
 * the running Node.js, nvm's folder and the tool cache; nothing is downloaded,
 * so a miss is an error that lists what exists.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/node-tool-v0, use-node-v1
 */
export async function runNodeTool(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context, label } = run;
  const isUseNode = label.toLowerCase().startsWith('usenode');
  let spec: string;
  if (isUseNode) {
    spec = inputs.text('version', '10.x');
  } else {
    const source = inputs.choice('versionSource', ['spec', 'fromFile'] as const, 'spec');
    spec = source === 'spec' ? inputs.text('versionSpec', '6.x') : await versionFromFile(run, inputs.required('versionFilePath'));
  }
  if (inputs.bool('checkLatest')) warnTask(run, `${label}: checkLatest is ignored because the local runner does not download Node.js`);
  if (inputs.bool('force32bit')) warnTask(run, `${label}: force32bit is ignored; only the machine's own architecture is searched`);
  if (parseRange(spec) === undefined) {
    throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${label}: version spec '${spec}' is invalid; write a semver range such as 20.x, 18.17 or >=18`);
  }

  const search = taskJobStateOf(context).services.nodeSearch;
  const toolsDirectory = search.toolsDirectory ?? context.job.variables.value('Agent.ToolsDirectory');
  const installations = await findNodeInstallations({ ...search, toolsDirectory });
  const chosen = installations.find((installation) => satisfiesRange(installation.version, spec));
  if (!chosen) {
    const available = installations.map((installation) => `${formatVersion(installation.version)} (${installation.source})`).join(', ') || 'none';
    throw new TaskStepError(
      RunnerErrorCode.NodeVersionNotFound,
      `${label}: no Node.js matching '${spec}' was found on this machine (available: ${available}); install it with nvm or into ${toolsDirectory ?? 'the tool cache'}/node/<version>/${process.arch}, because the local runner does not download Node.js`,
    );
  }

  prependPathEntry(context.job, chosen.binDirectory);
  logTask(run, `Found Node.js ${formatVersion(chosen.version)} (${chosen.source}) in ${chosen.binDirectory}; prepended to PATH for later steps`);
  return { result: 'succeeded' };
}
