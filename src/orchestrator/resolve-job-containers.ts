import { evaluateRuntimeExpression, matchRuntimeExpression } from '../language/expressions/runtime-expression.js';
import type { ContainerResource, JobDefinition } from '../language/pipeline/pipeline-model.js';
import { formatLocation } from '../language/source-location.js';
import { expandMacros } from '../language/variables/macro-expansion.js';
import { PlanErrorCode } from '../plan/plan-error-codes.js';
import type { VariableSet } from '../plan/variable-set.js';

/** A job's containers ready for the runner, or the reasons they could not be resolved. */
export interface ResolvedJobContainers {
  container?: ContainerResource;
  services?: Record<string, ContainerResource>;
  errors: string[];
}

function findResource(resources: readonly ContainerResource[], alias: string): ContainerResource | undefined {
  return resources.find((resource) => resource.alias === alias) ?? resources.find((resource) => resource.alias.toLowerCase() === alias.toLowerCase());
}

/**
 * Resolves `container:` and `services:` of a job against `resources.containers`.
 * A `container:` string that is a runtime expression (`$[ variables['image'] ]`)
 * is evaluated first, and macros in it are expanded. The result names a container
 * resource or, when no resource has that alias, an image (learn.microsoft.com …/process/container-phases).
 * A `services:` string must name a container resource (…/process/service-containers).
 * createRunPlan reports an unknown one before the run, so this check is a safety net.
 */
export function resolveJobContainers(definition: JobDefinition, resources: readonly ContainerResource[], variables: VariableSet): ResolvedJobContainers {
  const errors: string[] = [];
  const result: ResolvedJobContainers = { errors };
  const lookup = (name: string): string | undefined => variables.get(name)?.value;

  const container = definition.container;
  if (container !== undefined && 'alias' in container) {
    result.container = container;
  } else if (container !== undefined) {
    let text = container.value;
    const inner = matchRuntimeExpression(text);
    try {
      if (inner !== undefined) text = evaluateRuntimeExpression(inner, { mode: 'runtime', namedValues: { variables: variables.toValues() } }, container.location);
      text = expandMacros(text, lookup).trim();
      if (text !== '') result.container = findResource(resources, text) ?? { alias: 'container', image: text, env: {}, ports: [], volumes: [], location: container.location };
    } catch (error) {
      errors.push(`${formatLocation(container.location)}: container '${container.value}' of job '${definition.name}' could not be evaluated: ${(error as Error).message}`);
    }
  }

  const services: Record<string, ContainerResource> = {};
  for (const [alias, value] of Object.entries(definition.services)) {
    if (typeof value !== 'string') {
      services[alias] = value;
      continue;
    }
    const resource = findResource(resources, value);
    if (resource) services[alias] = resource;
    else errors.push(`${PlanErrorCode.unknownContainerResource}: service '${alias}' of job '${definition.name}' names container resource '${value}', which resources.containers does not define`);
  }
  if (Object.keys(services).length > 0) result.services = services;
  return result;
}
