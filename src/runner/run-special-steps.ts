import type { JobRunContext } from './job-run-context.js';
import type { StepState } from './job-state.js';
import { prependPathEntry } from './logging-command-handlers.js';
import { findPythonInstallations } from './python-installations.js';
import type { StepAttemptResult } from './run-script-step.js';
import { RunnerErrorCode } from './runner-error-codes.js';
import { runCheckout, type CheckoutOptions } from './checkout/run-checkout.js';
import { formatVersion } from './version-range.js';
import { selectPython, type PythonRequest } from './use-python-version.js';

/**
 * Runs a checkout step: `none`, `self`, or a repository resource given with
 * `--repository`, with its options. The work is in checkout/run-checkout.ts.
 */
export async function runCheckoutStep(context: JobRunContext, step: CheckoutOptions, state: StepState): Promise<StepAttemptResult> {
  return runCheckout(context, step, state);
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
