import { resolve } from 'node:path';
import type { CheckoutStep } from '../language/pipeline/pipeline-model.js';
import type { JobRunContext } from './job-run-context.js';
import type { StepState } from './job-state.js';
import { prependPathEntry } from './logging-command-handlers.js';
import { findPythonInstallations } from './python-installations.js';
import type { StepAttemptResult } from './run-script-step.js';
import { RunnerErrorCode } from './runner-error-codes.js';
import { checkoutPathInside, copySources } from './source-checkout.js';
import { formatVersion } from './version-range.js';
import { selectPython, type PythonRequest } from './use-python-version.js';

/**
 * Runs `checkout: self` (a copy into Build.SourcesDirectory, or nothing with
 * `inPlace`) and `checkout: none`. Other repositories are not supported locally.
 */
export async function runCheckoutStep(context: JobRunContext, step: Pick<CheckoutStep, 'repository' | 'path'>, state: StepState): Promise<StepAttemptResult> {
  const { job, request } = context;
  const repository = step.repository.toLowerCase();
  if (repository === 'none') {
    job.events.log(state.recordId, 'system', 'checkout: none, so no sources are copied');
    return { result: 'succeeded' };
  }
  if (repository !== 'self') {
    return {
      result: 'failed',
      code: RunnerErrorCode.UnsupportedStep,
      reason: `checkout of repository resource '${step.repository}' is not supported by the local runner; only 'self' and 'none' are`,
    };
  }
  if (step.path !== undefined && !checkoutPathInside(context.workspace.buildDirectory, step.path)) {
    return {
      result: 'failed',
      code: RunnerErrorCode.CheckoutFailed,
      reason: `checkout path '${step.path}' must be a folder inside Agent.BuildDirectory (${context.workspace.buildDirectory}); use a relative path such as 's/app'`,
    };
  }
  if (request.source.inPlace) {
    job.events.log(state.recordId, 'system', `running in place: Build.SourcesDirectory is ${resolve(request.source.path)}`);
    return { result: 'succeeded' };
  }

  try {
    const summary = await copySources(request.source.path, context.sourcesDirectory, request.workRoot);
    const how = summary.fromGit ? 'files tracked or not ignored by git, uncommitted changes included' : 'the whole folder (not a git work tree)';
    job.events.log(state.recordId, 'system', `copied ${summary.fileCount} files (${how}) from ${resolve(request.source.path)} to ${context.sourcesDirectory}`);
    for (const warning of summary.warnings) job.events.issue(state.recordId, 'warning', warning, { code: RunnerErrorCode.CheckoutFailed });
    return { result: 'succeeded' };
  } catch (error) {
    return { result: 'failed', code: RunnerErrorCode.CheckoutFailed, reason: `copying the sources from ${request.source.path} failed: ${(error as Error).message}` };
  }
}

/**
 * Runs UsePythonVersion@0: chooses an interpreter, puts its folders in front of
 * PATH for later steps, and sets `pythonLocation` (task.json of UsePythonVersionV0).
 */
export async function runUsePythonVersion(context: JobRunContext, request: PythonRequest, addToPath: boolean, state: StepState): Promise<StepAttemptResult> {
  const { job } = context;
  const toolsDirectory = job.variables.value('Agent.ToolsDirectory');
  const locations = { ...context.options.pythonSearch, toolsDirectory: context.options.pythonSearch.toolsDirectory ?? toolsDirectory };
  const installations = await findPythonInstallations(locations);
  const selection = selectPython(request, installations);
  if (!selection.ok) return { result: 'failed', code: RunnerErrorCode.PythonVersionNotFound, reason: selection.message };

  const chosen = selection.installation;
  const version = formatVersion(chosen.version);
  job.events.log(state.recordId, 'stdout', `Found Python ${version} ${chosen.architecture} in ${chosen.source}: ${chosen.installDirectory}`);
  if (addToPath) {
    // pathDirectories lists the first folder first, so prepend them in reverse.
    for (const directory of [...chosen.pathDirectories].reverse()) prependPathEntry(job, directory);
    job.events.log(state.recordId, 'stdout', `Prepended to PATH for later steps: ${chosen.pathDirectories.join(', ')}`);
  }

  job.variables.set('pythonLocation', chosen.installDirectory);
  job.events.variableSet(state.recordId, 'pythonLocation', chosen.installDirectory, false, false);
  if (state.stepName) {
    const qualified = `${state.stepName}.pythonLocation`;
    job.outputs[qualified] = chosen.installDirectory;
    job.variables.set(qualified, chosen.installDirectory, { readonly: true });
  }
  job.pythonVersion = version;
  return { result: 'succeeded' };
}
