import type { ExpressionValue } from '../language/expressions/expression-context.js';
import { evaluateRuntimeExpression, matchRuntimeExpression } from '../language/expressions/runtime-expression.js';
import type { VariableDefinition } from '../language/pipeline/pipeline-model.js';
import type { RunOptions } from '../orchestrator/run-options.js';
import { applyQueueScope, resolveScope, runtimeResolver } from '../orchestrator/runtime-variables.js';
import type { RunPlan } from '../plan/run-plan.js';
import { applyVariableDefinitions, VariableSet } from '../plan/variable-set.js';
import type { CounterRepository } from '../store/counter-repository.js';

/** Most reservation rounds for one run: each round reserves one prefix, and a prefix may depend on an earlier counter's value. */
const MAX_ROUNDS = 100;

/** Variable values the scan starts from, the same ones the orchestrator gets. */
export type CounterScanOptions = Pick<RunOptions, 'runVariables' | 'queueVariables' | 'secrets' | 'startTime'>;

/** A `counter(prefix, seed)` call met during a scan whose prefix has no value for the run yet. */
interface PendingCounter {
  prefix: string;
  seed: number;
}

/**
 * Reserves the value of every `counter(prefix, seed)` the run's variables can
 * evaluate, and returns the synchronous lookup the orchestrator takes as
 * `RunOptions.counter`. The orchestrator evaluates `$[ ]` variables while the
 * run goes on and cannot wait for the database. So the plan's variable scopes
 * (pipeline, each stage, each job and its runtime matrix) are evaluated here
 * first, in the orchestrator's order, with the values reserved so far. Each
 * new prefix is reserved in the store (once per run, atomically across server
 * processes), and the scan repeats, so a prefix built from another counter's
 * value is found too. Values that an earlier drive of the run reserved (before
 * a restart, a takeover or a re-run of failed jobs) are reused.
 *
 * A prefix that depends on `dependencies` (outputs of earlier jobs) is not
 * known before the run. The lookup then throws, and the orchestrator fails
 * the variable's stage or job with that message.
 */
export async function reserveRunCounters(
  plan: RunPlan,
  options: CounterScanOptions,
  run: { pipelineId: number; runId: number },
  counters: CounterRepository,
): Promise<(prefix: string, seed: number) => number> {
  const reserved = await counters.runValues(run.pipelineId, run.runId);
  if (!usesCounter(plan)) return lookup(reserved);
  for (let round = 0; round < MAX_ROUNDS; round += 1) {
    const pending = firstPendingCounter(plan, options, reserved);
    if (pending === undefined) break;
    reserved.set(pending.prefix, await counters.reserveForRun(run.pipelineId, run.runId, pending.prefix, pending.seed));
  }
  return lookup(reserved);
}

function lookup(reserved: ReadonlyMap<string, number>): (prefix: string, seed: number) => number {
  return (prefix) => {
    const value = reserved.get(prefix);
    if (value !== undefined) return value;
    throw new Error(
      `the counter prefix '${prefix}' was not known when the run started: the server reserves counter values before the run, ` +
        'so build the prefix from variables, parameters or pipeline.startTime, not from dependencies',
    );
  };
}

/** True when some variable value or runtime matrix of the plan mentions `counter(`. */
function usesCounter(plan: RunPlan): boolean {
  const mentions = (text: string | undefined): boolean => text !== undefined && /\bcounter\s*\(/i.test(text);
  const inDefinitions = (definitions: readonly VariableDefinition[]): boolean =>
    definitions.some((definition) => definition.kind !== 'group' && mentions(definition.value));
  if (inDefinitions(plan.variables)) return true;
  return plan.stages.some(
    (stage) => inDefinitions(stage.variables) || stage.jobs.some((job) => inDefinitions(job.variables) || mentions(job.runtimeMatrix?.value)),
  );
}

/**
 * Evaluates the run's variable scopes as the orchestrator will and returns the
 * first counter call whose prefix has no reserved value. Evaluation errors are
 * ignored here: the orchestrator reports them when it meets them.
 */
function firstPendingCounter(plan: RunPlan, options: CounterScanOptions, reserved: ReadonlyMap<string, number>): PendingCounter | undefined {
  let pending: PendingCounter | undefined;
  const counter = (prefix: string, seed: number): number => {
    const value = reserved.get(prefix);
    if (value !== undefined) return value;
    pending ??= { prefix, seed };
    // Values built from a pending counter are wrong until it is reserved, so the scan stops at the first one.
    throw new Error('counter not reserved yet');
  };
  const scanOptions = { counter };
  const ignored: string[] = [];
  const resolver = (namedValues: Record<string, ExpressionValue>) => runtimeResolver(namedValues, scanOptions, ignored, options.startTime);

  const pipelineScope = baseSet(options);
  applyQueueScope(pipelineScope, options);
  const pipelineVariables = resolveScope(pipelineScope, plan.variables, resolver({})).resolved;
  if (pending !== undefined) return pending;

  for (const stage of plan.stages) {
    const stageScope = baseSet(options);
    applyVariableDefinitions(stageScope, pipelineVariables);
    applyQueueScope(stageScope, options);
    const stageVariables = resolveScope(stageScope, stage.variables, resolver({ dependencies: {} })).resolved;
    if (pending !== undefined) return pending;

    for (const job of stage.jobs) {
      const jobScope = baseSet(options);
      applyVariableDefinitions(jobScope, pipelineVariables);
      applyVariableDefinitions(jobScope, stageVariables);
      applyQueueScope(jobScope, options);
      const namedValues = { dependencies: {}, stageDependencies: {} };
      resolveScope(jobScope, job.variables, resolver(namedValues));
      applyQueueScope(jobScope, options);
      if (pending !== undefined) return pending;
      scanMatrix(job.runtimeMatrix?.value, { mode: 'runtime', namedValues: { ...namedValues, variables: jobScope.toValues() }, counter, now: options.startTime });
      if (pending !== undefined) return pending;
    }
  }
  return undefined;
}

function scanMatrix(text: string | undefined, context: Parameters<typeof evaluateRuntimeExpression>[1]): void {
  const inner = text === undefined ? undefined : matchRuntimeExpression(text);
  if (inner === undefined) return;
  try {
    evaluateRuntimeExpression(inner, context);
  } catch {
    // The orchestrator reports the matrix's own errors when the job starts.
  }
}

function baseSet(options: CounterScanOptions): VariableSet {
  const set = new VariableSet();
  for (const [name, variable] of Object.entries(options.runVariables)) set.set(name, variable);
  return set;
}
