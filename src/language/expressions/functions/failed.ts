import type { ExpressionFunction } from './expression-function.js';
import { requireStatus, selectResults, STATUS_FUNCTION_MODES, STATUS_FUNCTION_RULE } from './job-status.js';

/**
 * `failed()` / `failed('A', …)`: True when any selected result is Failed.
 * NOTE: the docs do not state how a cancel affects failed(). Here a canceled run
 * gives False, because at step scope the agent's Agent.JobStatus becomes Canceled.
 */
export const failedFunction: ExpressionFunction = {
  name: 'failed',
  minArgs: 0,
  maxArgs: Infinity,
  usage: "failed() or failed('JobA', 'JobB')",
  modes: STATUS_FUNCTION_MODES,
  modeRule: STATUS_FUNCTION_RULE,
  invoke(call) {
    const status = requireStatus(call);
    const results = selectResults(call, status);
    if (status.canceled) return false;
    return results.some((result) => result === 'Failed');
  },
};
