import { hostname } from 'node:os';
import type { JobDefinition, StepDefinition } from '../language/pipeline/pipeline-model.js';
import { withAutomaticDownload } from '../runner/tasks/deployment-download.js';

// Hooks, their order per strategy, the strategy variables and the output-variable
// names: learn.microsoft.com/azure/devops/pipelines/process/deployment-jobs.

/** The lifecycle hooks that run before the outcome hooks, in order. */
export const LIFECYCLE_HOOKS = ['preDeploy', 'deploy', 'routeTraffic', 'postRouteTraffic'] as const;

/** The hooks a canary deployment repeats for each increment. */
const CANARY_ITERATION_HOOKS = new Set(['deploy', 'routeTraffic', 'postRouteTraffic']);

/** One run of one lifecycle hook: its own runner request under the deployment job's record. */
export interface HookRun {
  /** The hook as written (`deploy`, `on.failure`). */
  hook: string;
  /** Name shown with each step: `deploy`, `deploy_10` (canary), `deploy_web1` (rolling). */
  label: string;
  steps: StepDefinition[];
  /** Strategy and environment variables of this run (read-only job variables). */
  variables: Record<string, string>;
  /** Prefixes of the output keys this run's outputs get, so `step.var` becomes `<prefix>.step.var`. */
  outputPrefixes: string[];
}

/** The runs of a deployment job: lifecycle runs in order, then the outcome hook that matches their result. */
export interface DeploymentRuns {
  strategy: 'runOnce' | 'rolling' | 'canary';
  lifecycle: HookRun[];
  onSuccess?: HookRun;
  onFailure?: HookRun;
  /** The environment's resource (rolling: the local host when none is named). */
  resourceName?: string;
  /** Problems with the strategy (an invalid `maxParallel`), each a complete message. */
  errors: string[];
}

/**
 * Plans the hook runs of a deployment job. runOnce runs each lifecycle hook
 * once. rolling runs them once per batch of `maxParallel` targets, and locally
 * there is one target, this machine. canary runs `preDeploy` once, then
 * `deploy`, `routeTraffic` and `postRouteTraffic` once per increment.
 * Every strategy ends with `on.success` or `on.failure`.
 */
export function planDeploymentRuns(jobName: string, definition: JobDefinition): DeploymentRuns | undefined {
  const strategy = definition.strategy?.deployment;
  if (definition.kind !== 'deployment' || strategy === undefined) return undefined;

  const environment = definition.environment;
  const errors: string[] = [];
  // NOTE: a rolling deployment targets the environment's virtual machines; a local
  // run has one, this machine, named after its host unless the environment names a resource.
  const resourceName = strategy.kind === 'rolling' ? (environment?.resourceName ?? hostname()) : environment?.resourceName;
  if (strategy.kind === 'rolling' && strategy.maxParallel !== undefined && !isMaxParallel(strategy.maxParallel)) {
    errors.push(`deployment '${jobName}': rolling maxParallel '${strategy.maxParallel}' must be a whole number of targets or a percentage such as '25%'`);
  }

  const base: Record<string, string> = { 'strategy.name': strategy.kind };
  if (environment) {
    base['Environment.Name'] = environment.name;
    if (resourceName !== undefined) base['Environment.ResourceName'] = resourceName;
  }
  const make = (hook: string, label: string, variables: Record<string, string>, prefixes: string[]): HookRun | undefined => {
    const entry = strategy.hooks[hook];
    if (entry === undefined) return undefined;
    // The deploy hook downloads the run's artifacts first unless it has a download step of its own.
    const steps = hook === 'deploy' ? withAutomaticDownload(entry.steps, entry.steps[0]?.location ?? definition.location) : [...entry.steps];
    return { hook, label, steps, variables: { ...base, ...variables }, outputPrefixes: prefixes };
  };

  const lifecycle: HookRun[] = [];
  if (strategy.kind === 'canary') {
    const increments = strategy.increments ?? [];
    pushDefined(lifecycle, make('preDeploy', 'preDeploy', { 'strategy.action': 'deploy' }, ['preDeploy']));
    for (const increment of increments) {
      for (const hook of LIFECYCLE_HOOKS.filter((name) => CANARY_ITERATION_HOOKS.has(name))) {
        const label = `${hook}_${increment}`;
        pushDefined(lifecycle, make(hook, label, { 'strategy.action': 'deploy', 'strategy.increment': String(increment) }, [label]));
      }
    }
    // NOTE: Azure's strategy.action is 'promote' after the increments and 'reject' on failure
    // for Kubernetes canaries; Sluice sets those in on.success and on.failure, a guess at the timing.
    return {
      strategy: strategy.kind,
      lifecycle,
      onSuccess: make('on.success', 'on.success', { 'strategy.action': 'promote' }, ['on.success']),
      onFailure: make('on.failure', 'on.failure', { 'strategy.action': 'reject' }, ['on.failure']),
      resourceName,
      errors,
    };
  }

  const prefixesOf = (hook: string): string[] => {
    if (strategy.kind === 'rolling') return [`${capitalize(hook)}_${resourceName}`];
    // runOnce: `<job>.<step>.<var>`, plus `Deploy_<resource>.<step>.<var>` when the environment names a resource.
    return resourceName === undefined ? [jobName] : [jobName, `${capitalize(hook)}_${resourceName}`];
  };
  const labelOf = (hook: string): string => (strategy.kind === 'rolling' ? `${hook}_${resourceName}` : hook);
  for (const hook of LIFECYCLE_HOOKS) pushDefined(lifecycle, make(hook, labelOf(hook), {}, prefixesOf(hook)));
  return {
    strategy: strategy.kind,
    lifecycle,
    onSuccess: make('on.success', labelOf('on.success'), {}, prefixesOf('on.success')),
    onFailure: make('on.failure', labelOf('on.failure'), {}, prefixesOf('on.failure')),
    resourceName,
    errors,
  };
}

/** Returns true for `maxParallel` values Azure accepts: a positive whole number or a percentage from 1% to 100%. */
export function isMaxParallel(value: string): boolean {
  const match = /^\s*(\d+)\s*(%?)\s*$/.exec(value);
  if (match === null) return false;
  const number = Number(match[1]);
  return match[2] === '%' ? number >= 1 && number <= 100 : number >= 1;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function pushDefined(runs: HookRun[], run: HookRun | undefined): void {
  if (run !== undefined) runs.push(run);
}
