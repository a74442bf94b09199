import type { ExpressionFunction } from './expression-function.js';
import { requireStatus, selectResults, STATUS_FUNCTION_MODES, STATUS_FUNCTION_RULE } from './job-status.js';

/**
 * `succeededOrFailed()`: True when the run is not canceled and every selected
 * result is Succeeded, SucceededWithIssues or Failed. A Skipped dependency
 * makes it False, which is why the docs suggest not(canceled()) in that case.
 */
export const succeededOrFailedFunction: ExpressionFunction = {
  name: 'succeededOrFailed',
  minArgs: 0,
  maxArgs: Infinity,
  usage: "succeededOrFailed() or succeededOrFailed('JobA')",
  modes: STATUS_FUNCTION_MODES,
  modeRule: STATUS_FUNCTION_RULE,
  invoke(call) {
    const status = requireStatus(call);
    const results = selectResults(call, status);
    if (status.canceled) return false;
    return results.every((result) => result === 'Succeeded' || result === 'SucceededWithIssues' || result === 'Failed');
  },
};
