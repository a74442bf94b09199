import { now, type RecordRef } from '../events/run-event.js';
import type { TaskResult } from '../events/task-result.js';
import type { VariableDefinition } from '../language/pipeline/pipeline-model.js';
import type { RunPlan } from '../plan/run-plan.js';
import type { FinishedStage } from './dependency-context.js';
import type { JobSlots } from './job-slots.js';
import type { RunOptions } from './run-options.js';
import { maskSecrets } from './runtime-variables.js';

/** State shared by every stage and job of one run. */
export interface RunState {
  plan: RunPlan;
  options: RunOptions;
  /** The run-wide limit on jobs running at once. */
  slots: JobSlots;
  /** Stages that have finished, by name. */
  stages: Map<string, FinishedStage>;
  /** Pipeline-level definitions with `$[ ]` values evaluated at run start. */
  pipelineVariables: VariableDefinition[];
  /** Errors from evaluating the pipeline-level variables; every stage that runs fails with them. */
  pipelineErrors: string[];
  startTime: Date;
}

/** Emits record-started for a stage or job. */
export function emitStarted(state: RunState, record: RecordRef): string {
  const time = now();
  state.options.sink({ type: 'record-started', record, time });
  return time;
}

/** Emits record-finished, with the reason's secrets masked. */
export function emitFinished(state: RunState, record: RecordRef, result: TaskResult, reason?: string): string {
  const time = now();
  const masked = reason === undefined ? undefined : maskSecrets(reason, runSecretValues(state.options));
  state.options.sink({ type: 'record-finished', record, result, reason: masked, time });
  return time;
}

/** Collects every secret the run was given: queue-time secrets, secret run variables (a server's pipeline variables) and variable groups' secrets. */
function runSecretValues(options: RunState['options']): Record<string, string> {
  const values: Record<string, string> = { ...options.secrets };
  for (const [name, variable] of Object.entries(options.runVariables)) if (variable.isSecret) values[`run:${name}`] = variable.value;
  for (const [group, definition] of Object.entries(options.variableGroups ?? {})) {
    for (const [name, value] of Object.entries(definition.secrets)) values[`group:${group}:${name}`] = value;
  }
  return values;
}

/**
 * Runs items of a dependency graph, each as soon as everything it depends on has
 * finished, so independent items run at once. Dependencies on names outside
 * `items` count as finished (the plan dropped them for `--stage` or `--job`).
 */
export async function runDependencyGraph<T extends { name: string; dependsOn: readonly string[] }>(
  items: readonly T[],
  start: (item: T) => Promise<void>,
): Promise<void> {
  const known = new Set(items.map((item) => item.name));
  const finished = new Set<string>();
  const running = new Map<string, Promise<void>>();
  const pending = [...items];

  while (pending.length > 0 || running.size > 0) {
    for (const item of [...pending]) {
      const ready = item.dependsOn.every((name) => finished.has(name) || !known.has(name));
      if (!ready) continue;
      pending.splice(pending.indexOf(item), 1);
      const task = start(item).finally(() => {
        running.delete(item.name);
        finished.add(item.name);
      });
      running.set(item.name, task);
    }
    if (running.size === 0) {
      // createRunPlan rejects cycles, so this means a plan built by hand.
      throw new Error(`dependency cycle among ${pending.map((item) => `'${item.name}'`).join(', ')}`);
    }
    await Promise.race(running.values());
  }
}
