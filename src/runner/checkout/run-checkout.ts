import { resolve } from 'node:path';
import type { CheckoutStep } from '../../language/pipeline/pipeline-model.js';
import type { JobRunContext } from '../job-run-context.js';
import type { StepState } from '../job-state.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import { copySources } from '../source-checkout.js';
import { checkoutTarget, findRepository } from './checkout-layout.js';
import { gitFailure } from './checkout-git.js';
import { cleanCheckout, copySubmodules, fetchLfsObjects, removeTags, shallowClone, type CheckoutNotes } from './checkout-options.js';

/** The options of a checkout step that the local runner applies. */
export type CheckoutOptions = Pick<
  CheckoutStep,
  'repository' | 'path' | 'clean' | 'fetchDepth' | 'fetchTags' | 'submodules' | 'lfs' | 'persistCredentials' | 'fetchFilter' | 'sparseCheckoutDirectories' | 'sparseCheckoutPatterns'
>;

/**
 * Runs a checkout step: `none`, `self` (a copy of the run's sources, or nothing
 * in place) or a repository resource given with `--repository alias=PATH`, with
 * the step's options (learn.microsoft.com/azure/devops/pipelines/yaml-schema/steps-checkout).
 * Nothing is ever written into a source repository.
 */
export async function runCheckout(context: JobRunContext, step: CheckoutOptions, state: StepState): Promise<StepAttemptResult> {
  const { job, request } = context;
  const alias = step.repository;
  if (alias.toLowerCase() === 'none') {
    job.events.log(state.recordId, 'system', 'checkout: none, so no sources are copied');
    return { result: 'succeeded' };
  }

  const isSelf = alias.toLowerCase() === 'self';
  const source = isSelf ? request.source.path : findRepository(request, alias)?.path;
  if (source === undefined) {
    return {
      result: 'failed',
      code: RunnerErrorCode.CheckoutFailed,
      reason: `repository '${alias}' has no local path; run with --repository ${alias}=PATH to name the checkout to copy it from`,
    };
  }
  const target = checkoutTarget(request, step, context.workspace.buildDirectory, context.workspace.sourcesDirectory);
  if (target === undefined) {
    return {
      result: 'failed',
      code: RunnerErrorCode.CheckoutFailed,
      reason: `checkout path '${step.path}' must be a folder inside Agent.BuildDirectory (${context.workspace.buildDirectory}); use a relative path such as 's/app'`,
    };
  }
  if (isSelf && request.source.inPlace) {
    job.events.log(state.recordId, 'system', `running in place: Build.SourcesDirectory is ${resolve(request.source.path)}`);
    return { result: 'succeeded' };
  }

  const notes: CheckoutNotes = { info: [], warnings: [] };
  try {
    const fileCount = await fetchSources(source, target, step, context.request.workRoot, notes);
    job.events.log(state.recordId, 'system', `checked out '${alias}': ${fileCount} ${fileCount === 1 ? 'file' : 'files'} from ${resolve(source)} to ${target}`);
    return { result: 'succeeded' };
  } catch (error) {
    return { result: 'failed', code: RunnerErrorCode.CheckoutFailed, reason: `checking out '${alias}' from ${source} failed: ${gitFailure(error)}` };
  } finally {
    for (const line of notes.info) job.events.log(state.recordId, 'system', line);
    for (const warning of notes.warnings) job.events.issue(state.recordId, 'warning', warning, { code: RunnerErrorCode.CheckoutFailed });
  }
}

/** Fetches one repository into `target` with the step's options and returns the number of files written. */
async function fetchSources(source: string, target: string, step: CheckoutOptions, workRoot: string, notes: CheckoutNotes): Promise<number> {
  if (step.clean === true) await cleanCheckout(target, notes);
  if (step.persistCredentials === true) notes.info.push('persistCredentials: a local checkout uses no credentials, so none are kept, and git push from the copy is refused so that it cannot write into your checkout');
  for (const key of ['fetchFilter', 'sparseCheckoutDirectories', 'sparseCheckoutPatterns'] as const) {
    if (step[key] !== undefined) notes.warnings.push(`${key} is not applied by the local runner: the checkout contains every file`);
  }

  const depth = step.fetchDepth ?? 0;
  let fileCount: number;
  let hasHistory: boolean;
  let submodulePaths: string[] | undefined;
  if (depth > 0) {
    fileCount = await shallowClone(source, target, depth, step.fetchTags === true, notes);
    hasHistory = true;
  } else {
    const summary = await copySources(source, target, workRoot);
    notes.warnings.push(...summary.warnings);
    fileCount = summary.fileCount;
    hasHistory = summary.hasHistory;
    submodulePaths = summary.submodulePaths;
    const how = summary.fromGit ? 'files tracked or not ignored by git, uncommitted changes included' : 'the whole folder (not a git work tree)';
    notes.info.unshift(`copied ${how}`);
    if (hasHistory && step.fetchTags === false) await removeTags(target, notes);
  }

  fileCount += await copySubmodules(resolve(source), target, step.submodules, notes, 0, submodulePaths);
  if (step.lfs === true) await fetchLfsObjects(target, hasHistory && depth > 0, notes);
  return fileCount;
}
