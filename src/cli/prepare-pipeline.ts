import type { Diagnostic } from '../language/diagnostic.js';
import { loadPipeline } from '../language/pipeline/load-pipeline.js';
import type { PipelineDefinition, StepDefinition } from '../language/pipeline/pipeline-model.js';
import type { SourceFileSet } from '../language/source-file-set.js';
import { createRunPlan } from '../plan/create-run-plan.js';
import type { PlanOptions, RunPlan } from '../plan/run-plan.js';
import { findUnsupportedTasks } from '../runner/task-registry.js';
import { CliErrorCodes } from './cli-error-codes.js';
import type { PipelineFile } from './pipeline-file.js';

export interface PreparedPipeline {
  definition?: PipelineDefinition;
  plan?: RunPlan;
  /** Errors and warnings from loading, task checks and planning, in that order. */
  diagnostics: Diagnostic[];
  sources: SourceFileSet;
}

/**
 * Loads, checks and plans a pipeline: everything that can be known before a
 * run starts. A run starts only when no diagnostic here is an error.
 */
export async function preparePipeline(file: PipelineFile, planOptions: PlanOptions): Promise<PreparedPipeline> {
  const loaded = await loadPipeline(file.path, { displayPath: file.displayPath });
  const diagnostics = [...loaded.diagnostics];
  if (!loaded.definition) return { diagnostics, sources: loaded.sources };

  for (const unsupported of findUnsupportedTasks(allSteps(loaded.definition))) {
    diagnostics.push({
      code: CliErrorCodes.unsupportedTask,
      severity: 'error',
      message: `task '${unsupported.task}' cannot run here: ${unsupported.reason}`,
      location: unsupported.location,
      hint: 'replace the task with a script step, or run this pipeline in Azure Pipelines',
    });
  }
  if (diagnostics.some((diagnostic) => diagnostic.severity === 'error')) {
    return { definition: loaded.definition, diagnostics, sources: loaded.sources };
  }

  const planned = createRunPlan(loaded.definition, planOptions);
  diagnostics.push(...planned.diagnostics);
  return { definition: loaded.definition, plan: planned.plan, diagnostics, sources: loaded.sources };
}

/** Every step of the pipeline, deployment hooks included. */
export function allSteps(definition: PipelineDefinition): StepDefinition[] {
  const steps: StepDefinition[] = [];
  for (const stage of definition.stages) {
    for (const job of stage.jobs) {
      steps.push(...job.steps);
      for (const hook of Object.values(job.strategy?.deployment?.hooks ?? {})) steps.push(...hook.steps);
    }
  }
  return steps;
}
