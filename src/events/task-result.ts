/**
 * The result of a stage, job or step. Names follow Azure Pipelines' TaskResult,
 * in camel case as Sluice's JSON output uses them.
 */
export type TaskResult = 'succeeded' | 'succeededWithIssues' | 'failed' | 'canceled' | 'skipped';

/** The spelling expressions see, as in `dependencies.A.result` or Agent.JobStatus. */
export type AzureResultName = 'Succeeded' | 'SucceededWithIssues' | 'Failed' | 'Canceled' | 'Skipped';

const AZURE_NAMES: Record<TaskResult, AzureResultName> = {
  succeeded: 'Succeeded',
  succeededWithIssues: 'SucceededWithIssues',
  failed: 'Failed',
  canceled: 'Canceled',
  skipped: 'Skipped',
};

export function toAzureResultName(result: TaskResult): AzureResultName {
  return AZURE_NAMES[result];
}

// Worst-wins order for aggregation: a parent takes the worst result of its children.
// Skipped children do not make a parent worse than succeeded.
const SEVERITY: Record<TaskResult, number> = {
  skipped: 0,
  succeeded: 1,
  succeededWithIssues: 2,
  failed: 3,
  canceled: 4,
};

/**
 * Combines results worst-wins, as Azure aggregates step results into a job and
 * job results into a stage. All-skipped (or empty) gives `skipped`.
 */
export function aggregateResults(results: Iterable<TaskResult>): TaskResult {
  let worst: TaskResult = 'skipped';
  for (const result of results) {
    if (SEVERITY[result] > SEVERITY[worst]) worst = result;
  }
  return worst;
}

/** True for the results that let dependants run under the default condition. */
export function isSuccessful(result: TaskResult): boolean {
  return result === 'succeeded' || result === 'succeededWithIssues';
}
