import type { Diagnostic } from '../language/diagnostic.js';
import type { CheckoutStep, PipelineDefinition, StepDefinition } from '../language/pipeline/pipeline-model.js';
import { PlanErrorCode } from './plan-error-codes.js';

/**
 * Checks, before a local run, that every `checkout: <alias>` has a local path
 * from `--repository alias=PATH` (aliases compared without case). Returns one
 * error per checkout step that lacks one, at the step's position.
 */
export function checkRepositoryPaths(definition: PipelineDefinition, repositories: Readonly<Record<string, string>>): Diagnostic[] {
  const given = new Set(Object.keys(repositories).map((alias) => alias.toLowerCase()));
  const declared = new Set((definition.resources?.repositories ?? []).map((resource) => resource.alias.toLowerCase()));
  const diagnostics: Diagnostic[] = [];
  for (const step of allSteps(definition)) {
    if (step.type !== 'checkout') continue;
    const alias = (step as CheckoutStep).repository;
    const key = alias.toLowerCase();
    if (key === 'self' || key === 'none' || given.has(key)) continue;

    const what = declared.has(key) ? `repository resource '${alias}'` : `repository '${alias}', which resources.repositories does not declare,`;
    diagnostics.push({
      code: PlanErrorCode.missingRepositoryPath,
      severity: 'error',
      message: `checkout of ${what} has no local path, so a local run cannot copy it`,
      location: step.location,
      hint: `run with --repository ${alias}=PATH, where PATH is a local clone of that repository`,
    });
  }
  return diagnostics;
}

function allSteps(definition: PipelineDefinition): StepDefinition[] {
  const steps: StepDefinition[] = [];
  for (const stage of definition.stages) {
    for (const job of stage.jobs) {
      steps.push(...job.steps);
      for (const hook of Object.values(job.strategy?.deployment?.hooks ?? {})) steps.push(...hook.steps);
    }
  }
  return steps;
}
