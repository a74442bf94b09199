/**
 * Diagnostic codes of the plan layer. A code is never reused; a retired code
 * stays here with a note.
 */
export const PlanErrorCode = {
  /** A stage's `dependsOn` names a stage that does not exist. */
  unknownStageDependency: 'PLAN001',
  /** Stages depend on each other in a cycle. */
  stageCycle: 'PLAN002',
  /** A job's `dependsOn` names a job that does not exist in its stage. */
  unknownJobDependency: 'PLAN003',
  /** Jobs of one stage depend on each other in a cycle. */
  jobCycle: 'PLAN004',
  /** Every job of a stage has a `dependsOn`, so no job can start. */
  noRootJob: 'PLAN005',
  /** Two stages share a name. */
  duplicateStage: 'PLAN006',
  /** Two jobs of one stage share a name. */
  duplicateJob: 'PLAN007',
  /** `--stage` names a stage that does not exist. */
  unknownSelectedStage: 'PLAN008',
  /** `--job` names a job that does not exist. */
  unknownSelectedJob: 'PLAN009',
  /** A leg name of a runtime matrix breaks Azure's documented naming rule (a warning, because Azure runs it anyway). */
  invalidLegName: 'PLAN010',
  /** `parallel` is not a positive whole number, or is combined with `matrix`. */
  invalidParallel: 'PLAN011',
  /** A stage has no jobs. */
  emptyStage: 'PLAN012',
  /** A runtime matrix did not evaluate to a JSON object of legs (reported at run time). */
  invalidRuntimeMatrix: 'PLAN013',
  /** A job's `services:` entry names a container resource that `resources.containers` does not define. */
  unknownContainerResource: 'PLAN014',
  /** A step's `target` names neither `host` nor a container resource or service of its job. */
  unknownStepTarget: 'PLAN015',
  /** A `checkout:` names a repository resource that has no local path (`--repository alias=PATH`). */
  missingRepositoryPath: 'PLAN016',
} as const;

export type PlanErrorCodeValue = (typeof PlanErrorCode)[keyof typeof PlanErrorCode];
