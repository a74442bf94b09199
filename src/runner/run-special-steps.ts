import type { StepDefinition } from '../language/pipeline/pipeline-model.js';
import { findContainerPythonInstallations } from './containers/container-python-installations.js';
import { ContainerError } from './containers/container-error-codes.js';
import type { ContainerJobSession, JobContainer } from './containers/container-job-session.js';
import { stepPlacement } from './containers/container-step-launch.js';
import { toolCacheDirectory } from './containers/job-containers.js';
import type { JobRunContext } from './job-run-context.js';
import type { StepState } from './job-state.js';
import { prependPathEntry } from './logging-command-handlers.js';
import { findPythonInstallations, type PythonInstallation } from './python-installations.js';
import type { StepAttemptResult } from './run-script-step.js';
import { RunnerErrorCode } from './runner-error-codes.js';
import { runCheckout, type CheckoutOptions } from './checkout/run-checkout.js';
import { buildPath } from './step-environment.js';
import { formatVersion } from './version-range.js';
import { selectPython, type PythonRequest, type PythonSelectionContext } from './use-python-version.js';

/**
 * Runs a checkout step: `none`, `self`, or a repository resource given with
 * `--repository`, with its options. The work is in checkout/run-checkout.ts.
 */
export async function runCheckoutStep(context: JobRunContext, step: CheckoutOptions, state: StepState): Promise<StepAttemptResult> {
  return runCheckout(context, step, state);
}

/** The interpreters a UsePythonVersion step can choose from, and how a choice changes PATH. */
interface PythonSearchResult {
  installations: PythonInstallation[];
  /** Wording for the error message when nothing matches. */
  selection: PythonSelectionContext;
  /** Puts a folder first on PATH for later steps in the same place. */
  prepend: (directory: string) => void;
}

/**
 * Searches the host. NOTE: host prepends go to the job's shared list, which
 * container steps get too, so a host interpreter chosen in a container job
 * (`target: host`) also comes first on the container's PATH.
 */
async function searchHost(context: JobRunContext): Promise<PythonSearchResult> {
  const search = context.options.pythonSearch;
  const installations = await findPythonInstallations({ ...search, toolsDirectory: toolCacheDirectory(context) });
  return { installations, selection: {}, prepend: (directory) => prependPathEntry(context.job, directory) };
}

/**
 * Searches the container that the step runs in. Its PATH is the one a later
 * container step gets: the job's prepends, then the container's own PATH.
 */
async function searchContainer(context: JobRunContext, session: ContainerJobSession, container: JobContainer): Promise<PythonSearchResult> {
  const searchPath = buildPath(context.job.pathPrepends, session.jobContainerPath);
  const toolsDirectory = toolCacheDirectory(context);
  const installations = await findContainerPythonInstallations(session, container, { searchPath, toolsDirectory }, context.control.signal);
  return {
    installations,
    selection: {
      location: `container '${container.alias}'`,
      installHint:
        `Use an image that contains a matching Python on its PATH (PATH searched: ${searchPath}), or put one under ` +
        `${toolsDirectory ?? '$AGENT_TOOLSDIRECTORY'}/Python/<version>/<arch> on the host with a '<arch>.complete' file next to that folder, ` +
        `before the job starts, so that the tool cache is mounted into the container.`,
    },
    prepend: (directory) => session.prependContainerPath(directory),
  };
}

/**
 * Runs UsePythonVersion@0: chooses an interpreter, puts its folders in front of
 * PATH for later steps, and sets `pythonLocation` (task.json of UsePythonVersionV0).
 * In a container job the task searches the container the step runs in, as Azure
 * runs every step of a container job inside the container (learn.microsoft.com
 * …/process/container-phases). The chosen folders then go in front of the
 * container's PATH only, so a later `target: host` step does not get them.
 * `step` supplies `target:`; without it the step runs where a step without `target` runs.
 */
export async function runUsePythonVersion(
  context: JobRunContext,
  request: PythonRequest,
  addToPath: boolean,
  state: StepState,
  step?: StepDefinition,
): Promise<StepAttemptResult> {
  const { job } = context;
  const session = context.containers;
  const placement = step ? stepPlacement(session, step) : session?.jobContainer ? { kind: 'container' as const, container: session.jobContainer } : { kind: 'host' as const };
  if (placement.kind === 'invalid') return { result: 'failed', code: placement.code, reason: placement.message };

  let search: PythonSearchResult;
  try {
    search = placement.kind === 'container' && session ? await searchContainer(context, session, placement.container) : await searchHost(context);
  } catch (error) {
    if (error instanceof ContainerError) return { result: 'failed', code: error.code, reason: `UsePythonVersion: ${error.message}` };
    throw error;
  }
  const selection = selectPython(request, search.installations, search.selection);
  if (!selection.ok) return { result: 'failed', code: RunnerErrorCode.PythonVersionNotFound, reason: selection.message };

  const chosen = selection.installation;
  const version = formatVersion(chosen.version);
  job.events.log(state.recordId, 'stdout', `Found Python ${version} ${chosen.architecture} in ${chosen.source}: ${chosen.installDirectory}`);
  if (addToPath) {
    // pathDirectories lists the first folder first, so prepend them in reverse.
    for (const directory of [...chosen.pathDirectories].reverse()) search.prepend(directory);
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
