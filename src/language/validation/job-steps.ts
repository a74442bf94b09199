import type { JobDefinition, StepDefinition } from '../pipeline/pipeline-model.js';

/**
 * Returns the steps of a job in the order they run: a job's `steps`, or a
 * deployment job's lifecycle hooks in Azure's order (preDeploy, deploy,
 * routeTraffic, postRouteTraffic, then on.failure and on.success), as in
 * learn.microsoft.com/azure/devops/pipelines/process/deployment-jobs.
 */
export function stepsOfJob(job: JobDefinition): StepDefinition[] {
  const hooks = job.strategy?.deployment?.hooks;
  if (!hooks) return job.steps;

  const order = ['preDeploy', 'deploy', 'routeTraffic', 'postRouteTraffic', 'on.failure', 'on.success'];
  const names = [...order.filter((name) => hooks[name]), ...Object.keys(hooks).filter((name) => !order.includes(name))];
  return [...job.steps, ...names.flatMap((name) => hooks[name]!.steps)];
}

/** Returns how messages name a step: its reference name, else its display name, else its position. */
export function describeStep(step: StepDefinition, index: number): string {
  if (step.name) return `'${step.name}'`;
  if (step.displayName) return `'${step.displayName}'`;
  return `#${index + 1} (${step.type})`;
}

/** Returns the script texts a step runs: a script step's body, or the inline script inputs of a task. */
export function stepScriptTexts(step: StepDefinition): string[] {
  if (step.type === 'script' || step.type === 'bash' || step.type === 'pwsh' || step.type === 'powershell') return [step.script];
  if (step.type !== 'task') return [];
  return Object.entries(step.inputs)
    .filter(([name]) => ['script', 'inlinescript', 'inline'].includes(name.toLowerCase()))
    .map(([, value]) => value);
}
