import type { ExpressionFunction } from './expression-function.js';
import { requireStatus, selectResults, STATUS_FUNCTION_MODES, STATUS_FUNCTION_RULE } from './job-status.js';

/**
 * `succeeded()` / `succeeded('A', …)`: True when the run is not canceled and
 * every selected result is Succeeded or SucceededWithIssues. With no
 * dependencies at job or stage scope it is True.
 */
export const succeededFunction: ExpressionFunction = {
  name: 'succeeded',
  minArgs: 0,
  maxArgs: Infinity,
  usage: "succeeded() or succeeded('JobA', 'JobB')",
  modes: STATUS_FUNCTION_MODES,
  modeRule: STATUS_FUNCTION_RULE,
  invoke(call) {
    const status = requireStatus(call);
    const results = selectResults(call, status);
    if (status.canceled) return false;
    return results.every((result) => result === 'Succeeded' || result === 'SucceededWithIssues');
  },
};
