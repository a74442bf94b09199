import { join } from 'node:path';
import type { JobRunContext } from '../job-run-context.js';
import { ArtifactError } from '../artifacts/artifact-error.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import { TaskStepError } from './task-step-error.js';

/** Returns the run's artifact store: JobRequest.artifactStoreRoot, else `<workRoot>/artifacts`. */
export function artifactStoreRoot(context: JobRunContext): string {
  return context.request.artifactStoreRoot ?? join(context.request.workRoot, 'artifacts');
}

/** Converts an ArtifactError into a failed step that keeps the ART code and hint; other errors pass through. */
export function artifactFailure(label: string, error: unknown): never {
  if (error instanceof ArtifactError) throw new TaskStepError(RunnerErrorCode.ArtifactStepFailed, `${label}: ${error.message}; ${error.hint}`);
  throw error;
}
