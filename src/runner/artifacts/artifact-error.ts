import type { ArtifactErrorCodeValue } from './artifact-error-codes.js';

/**
 * A problem with an artifact caused by the pipeline's input or by a damaged
 * store: it carries a stable code and a hint on how to fix it. Cancellation is
 * not an ArtifactError; it surfaces as the AbortSignal's reason.
 */
export class ArtifactError extends Error {
  constructor(
    readonly code: ArtifactErrorCodeValue,
    message: string,
    readonly hint: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'ArtifactError';
  }
}
