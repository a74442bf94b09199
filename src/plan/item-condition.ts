import type { AzureResultName, TaskResult } from '../events/task-result.js';
import { evaluateCondition, ExpressionError } from '../language/expressions/evaluate-expression.js';
import type { ExpressionValue } from '../language/expressions/expression-context.js';
import type { Located } from '../language/source-location.js';

/** What a stage or job condition is decided from. */
export interface ConditionInput {
  condition?: Located<string>;
  /** Results of every dependency, direct and indirect, by name, for the status functions. */
  dependencyResults: Record<string, AzureResultName>;
  canceled: boolean;
  /** `variables`, `dependencies`, `stageDependencies` and any other named values. */
  namedValues: Record<string, ExpressionValue>;
}

/** Whether the stage or job runs, and if not, its result and the reason shown to the user. */
export type ConditionDecision =
  | { run: true }
  | { run: false; result: Extract<TaskResult, 'skipped' | 'canceled' | 'failed'>; reason: string };

const SUCCESSFUL: readonly AzureResultName[] = ['Succeeded', 'SucceededWithIssues'];

/**
 * Decides a stage or job condition when the item is reached. Without a
 * `condition`, the default is `succeeded()` over all dependencies, direct and
 * indirect; a root item runs unless the run was canceled. A custom condition
 * replaces the default, so `always()` or a condition without status functions
 * can run after a failure or a cancel (learn.microsoft.com/azure/devops/pipelines/process/conditions).
 * A condition that fails to evaluate fails the item with the error text.
 */
export function decideCondition(input: ConditionInput): ConditionDecision {
  if (input.condition === undefined || input.condition.value.trim() === '') return decideDefault(input);

  let outcome: boolean;
  try {
    outcome = evaluateCondition(input.condition.value, {
      mode: 'condition',
      namedValues: input.namedValues,
      status: { canceled: input.canceled, dependencies: input.dependencyResults },
    }, input.condition.location);
  } catch (error) {
    return { run: false, result: 'failed', reason: conditionErrorText(input.condition.value, error) };
  }

  if (outcome) return { run: true };
  if (input.canceled) return { run: false, result: 'canceled', reason: 'run canceled' };
  return { run: false, result: 'skipped', reason: `condition '${input.condition.value.trim()}' was false` };
}

function decideDefault(input: ConditionInput): ConditionDecision {
  if (input.canceled) return { run: false, result: 'canceled', reason: 'run canceled' };

  for (const [name, result] of Object.entries(input.dependencyResults)) {
    if (SUCCESSFUL.includes(result)) continue;
    return { run: false, result: 'skipped', reason: `dependency '${name}' ${describeResult(result)}` };
  }
  return { run: true };
}

function describeResult(result: AzureResultName): string {
  switch (result) {
    case 'Failed':
      return 'failed';
    case 'Canceled':
      return 'was canceled';
    case 'Skipped':
      return 'was skipped';
    default:
      return `ended with ${result}`;
  }
}

/** Formats an evaluation error, with its code and position when the evaluator gave them. */
export function conditionErrorText(condition: string, error: unknown): string {
  if (error instanceof ExpressionError) {
    return `condition '${condition.trim()}' could not be evaluated: ${error.diagnostic.code}: ${error.diagnostic.message}`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `condition '${condition.trim()}' could not be evaluated: ${message}`;
}
