import type { DiagnosticBag } from '../language/diagnostic.js';
import { collectAncestors } from './dependency-graph.js';
import { PlanErrorCode } from './plan-error-codes.js';
import type { PlanOptions, PlannedJob, PlannedStage, RunPlan } from './run-plan.js';

interface StageSelection {
  /** Job names kept; undefined keeps every job of the stage. */
  jobs?: Set<string>;
  /** Job name → the one instance kept, when `--job` named a matrix leg or slice. */
  instances: Map<string, string>;
}

/**
 * Applies `--stage` and `--job`: keeps the named stage or job with what it
 * depends on (unless `noDeps`), and drops dependencies on anything left out.
 * `--job` matches a job name, a leg instance name (`Tests_py311`), or either
 * prefixed by its stage (`Test.Tests`). Names compare case-insensitively, as
 * Azure's do.
 */
export function selectPlanItems(plan: RunPlan, options: PlanOptions, bag: DiagnosticBag): RunPlan {
  if (options.stage === undefined && options.job === undefined) return plan;

  let candidates = plan.stages;
  if (options.stage !== undefined) {
    const stage = findByName(plan.stages, options.stage);
    if (stage === undefined) {
      bag.error(
        PlanErrorCode.unknownSelectedStage,
        `stage '${options.stage}' not found`,
        undefined,
        `valid stages: ${plan.stages.map((item) => item.name).join(', ')}`,
      );
      return plan;
    }
    candidates = [stage];
  }

  const selection = new Map<string, StageSelection>();
  if (options.job === undefined) {
    selection.set(candidates[0]!.name, { instances: new Map() });
  } else if (!selectJobs(candidates, options, selection, bag)) {
    return plan;
  }

  if (!options.noDeps) {
    for (const stageName of [...selection.keys()]) {
      for (const ancestor of collectAncestors(stageName, (name) => stageNamed(plan, name)?.dependsOn ?? [])) {
        if (!selection.has(ancestor)) selection.set(ancestor, { instances: new Map() });
      }
    }
  }
  return filterPlan(plan, selection);
}

function selectJobs(
  candidates: readonly PlannedStage[],
  options: PlanOptions,
  selection: Map<string, StageSelection>,
  bag: DiagnosticBag,
): boolean {
  const wanted = options.job!.toLowerCase();
  for (const stage of candidates) {
    for (const job of stage.jobs) {
      const instance = job.instances.find((item) => matchesJob(stage.name, item.name, wanted));
      const jobMatches = matchesJob(stage.name, job.name, wanted);
      if (!jobMatches && instance === undefined) continue;

      const entry = selection.get(stage.name) ?? { jobs: new Set<string>(), instances: new Map<string, string>() };
      entry.jobs!.add(job.name);
      if (!jobMatches && instance !== undefined) entry.instances.set(job.name, instance.name);
      if (!options.noDeps) {
        for (const ancestor of collectAncestors(job.name, (name) => jobNamed(stage, name)?.dependsOn ?? [])) {
          entry.jobs!.add(ancestor);
        }
      }
      selection.set(stage.name, entry);
    }
  }

  if (selection.size > 0) return true;
  const valid = candidates.flatMap((stage) =>
    stage.jobs.flatMap((job) => [job.name, ...job.instances.filter((item) => item.name !== job.name).map((item) => item.name)]),
  );
  bag.error(
    PlanErrorCode.unknownSelectedJob,
    `job '${options.job}' not found${options.stage ? ` in stage '${options.stage}'` : ''}`,
    undefined,
    `valid jobs: ${[...new Set(valid)].join(', ')}`,
  );
  return false;
}

function matchesJob(stageName: string, name: string, wanted: string): boolean {
  const lower = name.toLowerCase();
  return lower === wanted || `${stageName.toLowerCase()}.${lower}` === wanted;
}

function filterPlan(plan: RunPlan, selection: Map<string, StageSelection>): RunPlan {
  const stages = plan.stages
    .filter((stage) => selection.has(stage.name))
    .map((stage) => filterStage(stage, selection.get(stage.name)!, selection));
  return { ...plan, stages };
}

function filterStage(stage: PlannedStage, kept: StageSelection, selection: Map<string, StageSelection>): PlannedStage {
  const jobs = stage.jobs
    .filter((job) => kept.jobs === undefined || kept.jobs.has(job.name))
    .map((job): PlannedJob => {
      const instanceName = kept.instances.get(job.name);
      const instances = instanceName ? job.instances.filter((item) => item.name === instanceName) : job.instances;
      const dependsOn = job.dependsOn.filter((name) => kept.jobs === undefined || kept.jobs.has(name));
      return { ...job, instances, dependsOn };
    });
  return { ...stage, jobs, dependsOn: stage.dependsOn.filter((name) => selection.has(name)) };
}

function findByName<T extends { name: string }>(items: readonly T[], name: string): T | undefined {
  return items.find((item) => item.name.toLowerCase() === name.toLowerCase());
}

function stageNamed(plan: RunPlan, name: string): PlannedStage | undefined {
  return plan.stages.find((stage) => stage.name === name);
}

function jobNamed(stage: PlannedStage, name: string): PlannedJob | undefined {
  return stage.jobs.find((job) => job.name === name);
}
