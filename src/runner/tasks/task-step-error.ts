import type { RunnerErrorCodeValue } from '../runner-error-codes.js';

/**
 * An expected failure of a built-in task (bad input, missing file, tool not
 * found). The dispatcher turns it into a failed step with the code; anything
 * else that a task throws is reported as a bug in Sluice.
 */
export class TaskStepError extends Error {
  constructor(
    readonly code: RunnerErrorCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'TaskStepError';
  }
}
