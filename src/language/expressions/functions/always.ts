import type { ExpressionFunction } from './expression-function.js';
import { requireStatus, STATUS_FUNCTION_MODES, STATUS_FUNCTION_RULE } from './job-status.js';

/** `always()`: True, even when the run was canceled. */
export const alwaysFunction: ExpressionFunction = {
  name: 'always',
  minArgs: 0,
  maxArgs: 0,
  usage: 'always()',
  modes: STATUS_FUNCTION_MODES,
  modeRule: STATUS_FUNCTION_RULE,
  invoke(call) {
    requireStatus(call);
    return true;
  },
};
