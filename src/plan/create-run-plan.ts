import { DiagnosticBag, type Diagnostic } from '../language/diagnostic.js';
import type {
  JobDefinition,
  PipelineDefinition,
  StageDefinition,
  StrategyDefinition,
} from '../language/pipeline/pipeline-model.js';
import type { Located } from '../language/source-location.js';
import { expandMacros } from '../language/variables/macro-expansion.js';
import { checkContainerReferences } from './container-references.js';
import { findDependencyCycles, type DependencyEdge } from './dependency-graph.js';
import { PlanErrorCode } from './plan-error-codes.js';
import { selectPlanItems } from './plan-selection.js';
import { poolSkipReason } from './pool-matching.js';
import type { JobInstance, PlanOptions, PlannedJob, PlannedStage, RunPlan } from './run-plan.js';
import { expandMatrix, expandParallel, singleInstance } from './strategy-expansion.js';
import { applyValues, applyVariableDefinitions, VariableSet } from './variable-set.js';

export { describePlan, type DescribePlanOptions } from './describe-plan.js';
export type { HostOs, JobInstance, PlanOptions, PlannedJob, PlannedStage, RunPlan } from './run-plan.js';

/**
 * Builds the run plan of a pipeline: resolves stage and job dependencies,
 * checks them for unknown names and cycles, expands matrix and parallel
 * strategies, marks jobs this machine cannot run, and applies `--stage` and
 * `--job`. Collects every problem; `plan` is set only when there is no error.
 */
export function createRunPlan(
  definition: PipelineDefinition,
  options: PlanOptions,
): { plan?: RunPlan; diagnostics: Diagnostic[] } {
  const bag = new DiagnosticBag();

  const stageDependencies = resolveStageDependencies(definition.stages, bag);
  const stages = definition.stages.map((stage, index) =>
    planStage(definition, stage, stageDependencies[index]!, options, bag),
  );

  const plan: RunPlan = {
    file: definition.file,
    definition,
    variables: definition.variables,
    stages,
    hostOs: options.hostOs,
    platformMap: options.platformMap ?? {},
  };
  const selected = bag.hasErrors() ? plan : selectPlanItems(plan, options, bag);

  return bag.hasErrors() ? { diagnostics: bag.items } : { plan: selected, diagnostics: bag.items };
}

/**
 * Resolves each stage's direct dependencies. Without `dependsOn` a stage depends
 * on the stage before it in file order, and `dependsOn: []` makes it a root
 * (learn.microsoft.com/azure/devops/pipelines/process/stages).
 */
function resolveStageDependencies(stages: readonly StageDefinition[], bag: DiagnosticBag): DependencyEdge[][] {
  const byName = new Map<string, StageDefinition>();
  for (const stage of stages) {
    const key = stage.name.toLowerCase();
    if (byName.has(key)) {
      bag.error(
        PlanErrorCode.duplicateStage,
        `stage name '${stage.name}' is used more than once`,
        stage.location,
        'give every stage a unique name',
      );
      continue;
    }
    byName.set(key, stage);
  }

  const validNames = stages.map((stage) => stage.name).join(', ');
  const edges = stages.map((stage, index): DependencyEdge[] => {
    if (stage.dependsOn === undefined) {
      const previous = stages[index - 1];
      return previous ? [{ name: previous.name }] : [];
    }
    return resolveEdges(stage.dependsOn, byName, (entry) =>
      bag.error(
        PlanErrorCode.unknownStageDependency,
        `stage '${stage.name}' depends on '${entry.value}', which is not a stage of this pipeline`,
        entry.location,
        `use one of: ${validNames}`,
      ),
    );
  });

  // With duplicate names the graph is ambiguous, so cycles wait until the names are fixed.
  const graph = new Map(stages.map((stage, index) => [stage.name, edges[index]!]));
  const cycles = byName.size === stages.length ? findDependencyCycles(graph) : [];
  for (const cycle of cycles) {
    bag.error(
      PlanErrorCode.stageCycle,
      `stages depend on each other in a cycle: ${cycle.path.join(' → ')}`,
      cycle.location ?? stages.find((stage) => stage.name === cycle.path[0])?.location,
      'remove one of these dependsOn entries',
    );
  }
  return edges;
}

function resolveEdges<T extends { name: string }>(
  entries: readonly Located<string>[],
  byName: Map<string, T>,
  reportUnknown: (entry: Located<string>) => void,
): DependencyEdge[] {
  const edges: DependencyEdge[] = [];
  for (const entry of entries) {
    const target = byName.get(entry.value.toLowerCase());
    if (target === undefined) {
      reportUnknown(entry);
      continue;
    }
    if (!edges.some((edge) => edge.name === target.name)) edges.push({ name: target.name, location: entry.location });
  }
  return edges;
}

function planStage(
  definition: PipelineDefinition,
  stage: StageDefinition,
  dependsOn: DependencyEdge[],
  options: PlanOptions,
  bag: DiagnosticBag,
): PlannedStage {
  if (stage.jobs.length === 0) {
    bag.error(PlanErrorCode.emptyStage, `stage '${stage.name}' has no jobs`, stage.location, 'add a job or remove the stage');
  }

  const jobEdges = resolveJobDependencies(stage, bag);
  const jobs = stage.jobs.map((job, index) => planJob(definition, stage, job, jobEdges[index]!, options, bag));

  return {
    name: stage.name,
    displayName: stage.displayName ?? stage.name,
    dependsOn: dependsOn.map((edge) => edge.name),
    condition: stage.condition,
    variables: stage.variables,
    jobs,
    definition: stage,
    location: stage.location,
  };
}

/**
 * Resolves the job graph of one stage. Jobs run in parallel unless `dependsOn`
 * orders them, and at least one job must have no dependencies
 * (learn.microsoft.com/azure/devops/pipelines/process/phases).
 */
function resolveJobDependencies(stage: StageDefinition, bag: DiagnosticBag): DependencyEdge[][] {
  const byName = new Map<string, JobDefinition>();
  for (const job of stage.jobs) {
    const key = job.name.toLowerCase();
    if (byName.has(key)) {
      bag.error(
        PlanErrorCode.duplicateJob,
        `job name '${job.name}' is used more than once in stage '${stage.name}'`,
        job.location,
        'give every job of a stage a unique name',
      );
      continue;
    }
    byName.set(key, job);
  }

  const validNames = stage.jobs.map((job) => job.name).join(', ');
  const edges = stage.jobs.map((job) =>
    resolveEdges(job.dependsOn, byName, (entry) =>
      bag.error(
        PlanErrorCode.unknownJobDependency,
        `job '${job.name}' depends on '${entry.value}', which is not a job of stage '${stage.name}'`,
        entry.location,
        `use one of: ${validNames}; to wait for a job of another stage, make the stages depend on each other`,
      ),
    ),
  );

  const graph = new Map(stage.jobs.map((job, index) => [job.name, edges[index]!]));
  const cycles = byName.size === stage.jobs.length ? findDependencyCycles(graph) : [];
  for (const cycle of cycles) {
    bag.error(
      PlanErrorCode.jobCycle,
      `jobs of stage '${stage.name}' depend on each other in a cycle: ${cycle.path.join(' → ')}`,
      cycle.location,
      'remove one of these dependsOn entries',
    );
  }

  // Dependencies on unknown names are reported above and do not count here. When every
  // job has a dependency there is a cycle, and a reported cycle (PLAN004) already explains why none can start.
  if (cycles.length === 0 && stage.jobs.length > 0 && edges.every((jobEdges) => jobEdges.length > 0)) {
    bag.error(
      PlanErrorCode.noRootJob,
      `every job of stage '${stage.name}' depends on another job, so none can start`,
      stage.location,
      'remove the dependsOn of at least one job',
    );
  }
  return edges;
}

function planJob(
  definition: PipelineDefinition,
  stage: StageDefinition,
  job: JobDefinition,
  dependsOn: DependencyEdge[],
  options: PlanOptions,
  bag: DiagnosticBag,
): PlannedJob {
  const displayName = job.displayName ?? job.name;
  const pool = job.pool ?? stage.pool ?? definition.pool;
  checkContainerReferences(definition, job, bag);
  const strategy = job.strategy;
  const runtimeMatrix = strategy && isRuntimeMatrix(strategy.matrix) ? strategy.matrix : undefined;

  const instances = runtimeMatrix ? [] : expandStrategy(job.name, displayName, strategy, bag);
  const staticVariables = new VariableSet();
  applyVariableDefinitions(staticVariables, definition.variables);
  applyVariableDefinitions(staticVariables, stage.variables);
  for (const instance of instances) {
    instance.skipReason = instanceSkipReason(instance, staticVariables, job, pool?.vmImage, options);
  }

  return {
    name: job.name,
    displayName,
    dependsOn: dependsOn.map((edge) => edge.name),
    condition: job.condition,
    continueOnError: job.continueOnError,
    variables: job.variables,
    pool,
    instances,
    runtimeMatrix,
    maxParallel: strategy?.maxParallel ?? 0,
    definition: job,
    location: job.location,
  };
}

/** True when `matrix` is a `$[ ]` string instead of a mapping of legs. */
function isRuntimeMatrix(matrix: StrategyDefinition['matrix']): matrix is Located<string> {
  return matrix !== undefined && typeof (matrix as { value?: unknown }).value === 'string';
}

function expandStrategy(
  jobName: string,
  displayName: string,
  strategy: StrategyDefinition | undefined,
  bag: DiagnosticBag,
): JobInstance[] {
  if (strategy === undefined) return [singleInstance(jobName, displayName)];

  const matrix = strategy.matrix as Record<string, Record<string, string>> | undefined;
  if (matrix !== undefined && strategy.parallel !== undefined) {
    bag.error(
      PlanErrorCode.invalidParallel,
      `job '${jobName}' has both 'matrix' and 'parallel' in its strategy`,
      strategy.location,
      'use either matrix or parallel',
    );
  }

  // Leg names of a written matrix are checked when the YAML is loaded (PIPE010).
  if (matrix !== undefined) return expandMatrix(jobName, displayName, matrix);

  if (strategy.parallel !== undefined) {
    if (!Number.isInteger(strategy.parallel) || strategy.parallel < 1) {
      bag.error(
        PlanErrorCode.invalidParallel,
        `strategy 'parallel' of job '${jobName}' is ${strategy.parallel}; expected a whole number of at least 1`,
        strategy.location,
      );
      return [singleInstance(jobName, displayName)];
    }
    return expandParallel(jobName, displayName, strategy.parallel);
  }
  return [singleInstance(jobName, displayName)];
}

/**
 * Expands `$(name)` macros in the pool image with the variables known before the
 * run (pipeline, stage, job and matrix leg), because a matrix commonly picks the
 * image through `vmImage: $(imageName)`.
 */
function instanceSkipReason(
  instance: JobInstance,
  stageVariables: VariableSet,
  job: JobDefinition,
  vmImage: string | undefined,
  options: PlanOptions,
): string | undefined {
  if (vmImage === undefined) return undefined;

  const variables = stageVariables.clone();
  applyValues(variables, instance.matrixVariables);
  applyVariableDefinitions(variables, job.variables);
  const image = expandMacros(vmImage, (name) => variables.get(name)?.value);
  return poolSkipReason(image, options.hostOs, options.platformMap);
}
