import type { DiagnosticBag } from '../language/diagnostic.js';
import type { JobDefinition, PipelineDefinition, StepDefinition } from '../language/pipeline/pipeline-model.js';
import { PlanErrorCode } from './plan-error-codes.js';

function stepsOf(job: JobDefinition): StepDefinition[] {
  const hooks = job.strategy?.deployment?.hooks ?? {};
  return [...job.steps, ...Object.values(hooks).flatMap((hook) => hook?.steps ?? [])];
}

/**
 * Reports container aliases of a job that name nothing. A `services:` value
 * must be a `resources.containers` alias, because Azure resolves service
 * containers only from container resources (learn.microsoft.com …/process/service-containers).
 * A step `target` must be `host`, a container resource or one of the job's services.
 * A `container:` string is not checked, because one that is not an alias is an image name.
 */
export function checkContainerReferences(definition: PipelineDefinition, job: JobDefinition, bag: DiagnosticBag): void {
  const aliases = (definition.resources?.containers ?? []).map((resource) => resource.alias);
  const known = new Set(aliases.map((alias) => alias.toLowerCase()));

  for (const [service, value] of Object.entries(job.services)) {
    if (typeof value !== 'string' || known.has(value.toLowerCase())) continue;
    bag.error(
      PlanErrorCode.unknownContainerResource,
      `service '${service}' of job '${job.name}' names container resource '${value}', which resources.containers does not define`,
      job.location,
      aliases.length > 0
        ? `use one of: ${aliases.join(', ')}, or add '- container: ${value}' with an image under resources.containers`
        : `add '- container: ${value}' with an image under resources.containers`,
    );
  }

  const targets = new Set(['host', ...known, ...Object.keys(job.services).map((alias) => alias.toLowerCase())]);
  if (job.container !== undefined && 'alias' in job.container) targets.add(job.container.alias.toLowerCase());
  for (const step of stepsOf(job)) {
    const target = step.target?.container;
    if (target === undefined || targets.has(target.toLowerCase())) continue;
    bag.error(
      PlanErrorCode.unknownStepTarget,
      `step target '${target}' in job '${job.name}' names no container of the job`,
      step.location,
      `use 'host', the alias of a container resource, or a service name of the job`,
    );
  }
}
