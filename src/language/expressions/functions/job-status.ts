import type { AzureResultName } from '../../../events/task-result.js';
import type { StatusContext } from '../expression-context.js';
import { ExpressionErrorCode } from '../expression-error-codes.js';
import { equalsIgnoreCase } from '../string-comparison.js';
import { castToString } from '../type-conversion.js';
import { isLiteralArgument, type FunctionCall } from './expression-function.js';

// Status functions: learn.microsoft.com/azure/devops/pipelines/process/expressions#job-status-functions

/** Status functions are allowed only in `condition:` values. */
export const STATUS_FUNCTION_MODES = ['condition'] as const;
/** The reason shown when a status function is used outside a condition. */
export const STATUS_FUNCTION_RULE = 'job status functions are only allowed in conditions';

/** Returns the status context, or raises an error when the caller gave none. */
export function requireStatus(call: FunctionCall): StatusContext {
  const status = call.context.status;
  if (status) return status;
  call.fail(
    ExpressionErrorCode.MissingContext,
    `'${call.node.name}' needs the job status, and none is available where this condition is evaluated.`,
    'Use job status functions only in condition: values of stages, jobs and steps.',
  );
}

/**
 * Returns the results the function looks at. At step scope that is the job
 * status so far, where an unset Agent.JobStatus counts as Succeeded (as in the
 * agent's ExpressionManager). At job or stage scope it is every dependency, or
 * only the ones named as arguments.
 */
export function selectResults(call: FunctionCall, status: StatusContext): AzureResultName[] {
  const dependencies = status.dependencies;
  if (!dependencies) {
    if (call.argumentCount > 0) {
      call.fail(
        ExpressionErrorCode.InvalidArgument,
        `'${call.node.name}' takes job or stage names only in job and stage conditions; in a step condition it checks the current job.`,
        `Call ${call.node.name}() without arguments in a step condition.`,
        0,
      );
    }
    return [status.jobStatus ?? 'Succeeded'];
  }

  if (call.argumentCount === 0) return Object.values(dependencies);

  const results: AzureResultName[] = [];
  const names = Object.keys(dependencies);
  for (let i = 0; i < call.argumentCount; i += 1) {
    const name = castToString(call.argument(i));
    const match = names.find((candidate) => equalsIgnoreCase(candidate, name));
    if (match === undefined) {
      const quoted = isLiteralArgument(call, i) ? `'${name}'` : `argument ${i + 1}`;
      call.fail(
        ExpressionErrorCode.InvalidArgument,
        `'${call.node.name}' names ${quoted}, which is not a dependency of this job or stage.`,
        `Add it to dependsOn, or name one of: ${names.join(', ') || '(no dependencies)'}.`,
        i,
      );
    }
    results.push(dependencies[match]!);
  }
  return results;
}
