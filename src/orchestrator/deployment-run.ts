import { now, type EventSink } from '../events/run-event.js';
import { aggregateResults, type TaskResult } from '../events/task-result.js';
import type { StepDefinition } from '../language/pipeline/pipeline-model.js';
import type { JobExecutor, JobOutcome, JobRequest } from '../runner/job-request.js';
import { defaultStepDisplayName } from '../language/pipeline/default-step-display-name.js';
import type { DeploymentRuns, HookRun } from './deployment-hooks.js';

/** Record numbers left after each hook run's steps for the runner's post-job steps (Cache@2 saves and the like). */
const POST_JOB_RECORD_RESERVE = 10;

/**
 * Runs a deployment job's hook runs one after another, each as its own runner
 * request under the job's record, as Azure runs each hook as its own job. A
 * failed or canceled lifecycle run stops the later ones; then `on.failure` runs
 * after a failure and `on.success` after success (never after a cancel).
 * The job's result is the worst result of every run, the outcome hook's included.
 * Output keys get each run's prefixes (`<job>.step.var`, `deploy_10.step.var`).
 */
export async function runDeployment(
  executor: JobExecutor,
  request: JobRequest,
  runs: DeploymentRuns,
  sink: EventSink,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const environment = runs.lifecycle[0]?.variables['Environment.Name'] ?? runs.onSuccess?.variables['Environment.Name'];
  if (environment !== undefined) {
    const resource = runs.resourceName === undefined ? '' : `, resource '${runs.resourceName}'`;
    sink({ type: 'log', recordId: request.record.id, stream: 'system', line: `deploying to environment '${environment}'${resource} with strategy ${runs.strategy}`, time: now() });
    // NOTE: approvals and checks on the environment are evaluated by a server; a local run does not wait for them.
  }

  const merged: JobOutcome = { result: 'succeeded', outputs: {}, variables: {} };
  const results: TaskResult[] = [];
  let nextIndex = 1;
  let reason: string | undefined;
  const run = async (hookRun: HookRun): Promise<TaskResult> => {
    const outcome = await runHook(executor, request, hookRun, nextIndex, sink, signal);
    nextIndex += hookRun.steps.length + POST_JOB_RECORD_RESERVE;
    results.push(outcome.result);
    if (reason === undefined && (outcome.result === 'failed' || outcome.result === 'canceled')) {
      reason = `${hookRun.label}: ${outcome.reason ?? outcome.result}`;
    }
    for (const [key, value] of Object.entries(outcome.outputs)) {
      for (const prefix of hookRun.outputPrefixes) merged.outputs[`${prefix}.${key}`] = value;
    }
    Object.assign(merged.variables, outcome.variables);
    if (outcome.pythonVersion) merged.pythonVersion = outcome.pythonVersion;
    if (outcome.testResults) merged.testResults = [...(merged.testResults ?? []), ...outcome.testResults];
    if (outcome.coverage) merged.coverage = [...(merged.coverage ?? []), ...outcome.coverage];
    return outcome.result;
  };

  let lifecycleResult: TaskResult = 'succeeded';
  for (const hookRun of runs.lifecycle) {
    if (signal.aborted) {
      lifecycleResult = 'canceled';
      break;
    }
    const result = await run(hookRun);
    if (result === 'failed' || result === 'canceled') {
      lifecycleResult = result;
      break;
    }
  }

  const outcomeHook = lifecycleResult === 'failed' ? runs.onFailure : lifecycleResult === 'succeeded' ? runs.onSuccess : undefined;
  if (outcomeHook !== undefined && !signal.aborted) await run(outcomeHook);

  merged.result = signal.aborted && results.length === 0 ? 'canceled' : aggregateResults(results.length > 0 ? results : ['succeeded']);
  if (lifecycleResult === 'canceled') merged.result = 'canceled';
  if (reason !== undefined) merged.reason = reason;
  return merged;
}

/** Runs one hook run as a runner request: the hook's steps, labelled, with its strategy variables. */
async function runHook(
  executor: JobExecutor,
  request: JobRequest,
  hookRun: HookRun,
  firstStepIndex: number,
  sink: EventSink,
  signal: AbortSignal,
): Promise<JobOutcome> {
  const variables = { ...request.variables };
  for (const [name, value] of Object.entries(hookRun.variables)) variables[name] = { value, isSecret: false, readonly: true };
  const hookRequest: JobRequest = {
    ...request,
    steps: hookRun.steps.map((step) => labelStep(step, hookRun.label)),
    variables,
    implicitCheckout: false,
    firstStepIndex,
  };
  try {
    return await executor.runJob(hookRequest, sink, signal);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { result: 'failed', reason: `the runner failed: ${message}`, outputs: {}, variables: {} };
  }
}

/** Puts the hook run's label in front of a step's display name, so the timeline shows which hook ran it. */
function labelStep(step: StepDefinition, label: string): StepDefinition {
  return { ...step, displayName: `${label}: ${step.displayName ?? defaultStepDisplayName(step)}` };
}
