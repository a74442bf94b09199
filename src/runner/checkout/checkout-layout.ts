import { basename, resolve } from 'node:path';
import type { CheckoutStep, StepDefinition } from '../../language/pipeline/pipeline-model.js';
import type { JobRequest } from '../job-request.js';
import { checkoutPathInside } from '../source-checkout.js';

/** Where a job's checkouts go and what Build.SourcesDirectory and Build.Repository.LocalPath are. */
export interface CheckoutLayout {
  /** Build.SourcesDirectory and System.DefaultWorkingDirectory. */
  sourcesDirectory: string;
  /** Build.Repository.LocalPath: where `self` is checked out. */
  selfPath: string;
  /** True when the job checks out more than one repository. */
  multipleCheckouts: boolean;
}

/** Returns the checkout steps that fetch sources (every one except `checkout: none`). */
export function sourceCheckouts(steps: readonly StepDefinition[]): CheckoutStep[] {
  return steps.filter((step): step is CheckoutStep => step.type === 'checkout' && step.repository.toLowerCase() !== 'none');
}

/**
 * Returns the folder name Azure gives a repository in a multi-checkout job: the
 * last segment of its `name` (`org/tools` → `tools`), else the alias.
 * For `self` it is Build.Repository.Name, else the source folder's name.
 */
export function repositoryFolderName(request: JobRequest, alias: string): string {
  if (alias.toLowerCase() === 'self') {
    const name = Object.entries(request.variables).find(([key]) => key.toLowerCase() === 'build.repository.name')?.[1].value;
    return lastSegment(name || basename(resolve(request.source.path)));
  }
  const repository = findRepository(request, alias);
  return lastSegment(repository?.name || alias);
}

/** Finds a repository given with `--repository`, ignoring the case of the alias as Azure does. */
export function findRepository(request: JobRequest, alias: string): { path: string; name?: string } | undefined {
  const entry = Object.entries(request.repositories ?? {}).find(([key]) => key.toLowerCase() === alias.toLowerCase());
  return entry?.[1];
}

/**
 * Returns the folder one checkout step writes to, or undefined when its `path`
 * leaves Agent.BuildDirectory. Without `path` a single checkout goes to `s/`, and
 * with several each repository goes to `s/<repository name>`
 * (learn.microsoft.com/azure/devops/pipelines/repos/multi-repo-checkout, "Checkout path").
 */
export function checkoutTarget(
  request: JobRequest,
  step: Pick<CheckoutStep, 'repository' | 'path'>,
  buildDirectory: string,
  defaultSources: string,
): string | undefined {
  if (step.path !== undefined) return checkoutPathInside(buildDirectory, step.path);
  if (sourceCheckouts(request.steps).length <= 1) return defaultSources;
  return resolve(defaultSources, repositoryFolderName(request, step.repository));
}

/**
 * Computes Build.SourcesDirectory and Build.Repository.LocalPath. With one
 * checkout both are its folder. With several, Build.SourcesDirectory stays `s/`
 * and Build.Repository.LocalPath is where `self` goes (learn.microsoft.com
 * …/build/variables, Build.SourcesDirectory and Build.Repository.LocalPath).
 */
export function checkoutLayout(request: JobRequest, buildDirectory: string, defaultSources: string): CheckoutLayout {
  if (request.source.inPlace) {
    const path = resolve(request.source.path);
    return { sourcesDirectory: path, selfPath: path, multipleCheckouts: false };
  }

  const checkouts = sourceCheckouts(request.steps);
  const self = checkouts.find((step) => step.repository.toLowerCase() === 'self');
  // A path outside the workspace is never used: the checkout step fails and reports it.
  const selfPath = (self && checkoutTarget(request, self, buildDirectory, defaultSources)) ?? defaultSources;
  if (checkouts.length > 1) return { sourcesDirectory: defaultSources, selfPath, multipleCheckouts: true };
  return { sourcesDirectory: selfPath, selfPath, multipleCheckouts: false };
}

function lastSegment(name: string): string {
  const segments = name.split('/').filter((segment) => segment !== '');
  return segments[segments.length - 1] ?? name;
}
