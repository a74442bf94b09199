import type { JobDefinition, StageDefinition } from '../pipeline/pipeline-model.js';

/** Returns how messages name a job: `'Build'` for the implicit stage, else `'Stage.Job'`. */
export function jobLabel(stage: StageDefinition, job: JobDefinition): string {
  return stage.implicit ? `'${job.name}'` : `'${stage.name}.${job.name}'`;
}
