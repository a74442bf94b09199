import type { ExpressionFunction } from './expression-function.js';
import { requireStatus, STATUS_FUNCTION_MODES, STATUS_FUNCTION_RULE } from './job-status.js';

/** `canceled()`: True when the run was canceled (at step scope also when Agent.JobStatus is Canceled). */
export const canceledFunction: ExpressionFunction = {
  name: 'canceled',
  minArgs: 0,
  maxArgs: 0,
  usage: 'canceled()',
  modes: STATUS_FUNCTION_MODES,
  modeRule: STATUS_FUNCTION_RULE,
  invoke(call) {
    const status = requireStatus(call);
    return status.canceled || (!status.dependencies && status.jobStatus === 'Canceled');
  },
};
