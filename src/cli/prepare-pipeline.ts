import type { Diagnostic } from '../language/diagnostic.js';
import { loadPipeline, type LoadPipelineOptions } from '../language/pipeline/load-pipeline.js';
import type { PipelineDefinition, StepDefinition } from '../language/pipeline/pipeline-model.js';
import type { SourceFileSet } from '../language/source-file-set.js';
import { createRunPlan } from '../plan/create-run-plan.js';
import { checkRepositoryPaths } from '../plan/repository-checkouts.js';
import type { TaskPackage } from '../runner/task-packages/task-definition.js';
import { validatePipeline } from '../language/validation/validate-pipeline.js';
import type { PlanOptions, RunPlan } from '../plan/run-plan.js';
import { findUnsupportedTasks } from '../runner/task-registry.js';
import { CliErrorCodes } from './cli-error-codes.js';
import type { PipelineFile } from './pipeline-file.js';

/**
 * `run` rejects features this machine cannot run (they become errors), while `check`
 * (validate, list, explain) only warns, because Azure accepts the YAML.
 */
export type PreparePurpose = 'run' | 'check';

/**
 * Validation warnings that stop `sluice run` before anything starts: a job
 * would need a variable group, a service connection, an Azure-only task or an
 * agentless pool that this machine does not have.
 */
const RUN_BLOCKING_WARNINGS = new Set(['VAL001', 'VAL002', 'VAL003', 'VAL004']);

function siteKey(diagnostic: Diagnostic): string {
  const location = diagnostic.location;
  return location ? `${location.file}:${location.line}:${location.column}` : '';
}

/** Inputs of the run that loading and checking depend on. */
export interface PrepareOptions extends Pick<LoadPipelineOptions, 'parameters' | 'repositories' | 'variables' | 'parsedYamlCache'> {
  /** Task packages from `--tasks`, which make their tasks runnable. */
  taskPackages?: readonly TaskPackage[];
  /** Names of service connections defined locally (`--service-connections`). */
  serviceConnections?: readonly string[];
  /** Names of variable groups given locally (`--variable-group`); VAL001 is reported only for the others. */
  variableGroups?: readonly string[];
  /** Variable names given on the command line (`--variable`, `--secret`, group variables); VAL006 skips them. */
  knownVariables?: readonly string[];
}

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
export async function preparePipeline(
  file: PipelineFile,
  planOptions: PlanOptions,
  purpose: PreparePurpose = 'run',
  loadOptions: PrepareOptions = {},
): Promise<PreparedPipeline> {
  const loaded = await loadPipeline(file.path, { displayPath: file.displayPath, repositoryRoot: file.sourceRoot, ...loadOptions });
  const diagnostics = [...loaded.diagnostics];
  if (!loaded.definition) return { diagnostics, sources: loaded.sources };

  // Warnings for what Azure accepts but cannot run here, or is likely a mistake.
  const warnings = validatePipeline(loaded.definition, {
    knownServiceConnections: [...(loadOptions.serviceConnections ?? [])],
    knownVariableGroups: [...(loadOptions.variableGroups ?? [])],
    knownVariables: [...(loadOptions.knownVariables ?? [])],
  });
  const azureOnlyTaskSites = new Set(warnings.filter((warning) => warning.code === 'VAL003').map((warning) => siteKey(warning)));
  for (const warning of warnings) {
    const blocksRun = purpose === 'run' && RUN_BLOCKING_WARNINGS.has(warning.code);
    diagnostics.push(blocksRun ? { ...warning, severity: 'error' } : warning);
  }

  // A `checkout: alias` needs a local path for the repository resource.
  for (const missing of checkRepositoryPaths(loaded.definition, loadOptions.repositories ?? {})) {
    diagnostics.push(purpose === 'run' ? missing : { ...missing, severity: 'warning' });
  }

  for (const unsupported of findUnsupportedTasks(allSteps(loaded.definition), loadOptions.taskPackages ?? [])) {
    const diagnostic: Diagnostic = {
      code: CliErrorCodes.unsupportedTask,
      severity: purpose === 'run' ? 'error' : 'warning',
      message: `task '${unsupported.task}' cannot run here: ${unsupported.reason}`,
      location: unsupported.location,
      hint: 'point --tasks DIR at a folder with the task package (task.json and handler), replace the task with a script step, or run this pipeline in Azure Pipelines',
    };
    // An Azure-only task already has a warning that names its replacement.
    if (!azureOnlyTaskSites.has(siteKey(diagnostic))) diagnostics.push(diagnostic);
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
