import { ExpressionError } from '../language/expressions/evaluate-expression.js';
import type { ExpressionContext, ExpressionValue } from '../language/expressions/expression-context.js';
import { evaluateRuntimeExpression, matchRuntimeExpression } from '../language/expressions/runtime-expression.js';
import { formatLocation, type SourceLocation } from '../language/source-location.js';
import type { RuntimeValueResolver } from '../plan/variable-set.js';
import type { VariableDefinition } from '../language/pipeline/pipeline-model.js';
import { applyValues, type VariableSet } from '../plan/variable-set.js';
import type { LocalVariableGroup, RunOptions } from './run-options.js';

/**
 * Creates the resolver for `$[ ]` variable values of one scope. A value that is
 * not wholly a runtime expression stays as written (its `$( )` macros are the
 * runner's). An evaluation error is added to `errors` with its position, and the
 * value becomes empty, so every error of the scope is collected before the item fails.
 */
export function runtimeResolver(
  namedValues: Record<string, ExpressionValue>,
  options: Pick<RunOptions, 'counter'>,
  errors: string[],
  now?: Date,
): RuntimeValueResolver {
  return (value: string, location: SourceLocation, current: VariableSet): string => {
    const inner = matchRuntimeExpression(value);
    if (inner === undefined) return value;

    const context: ExpressionContext = {
      mode: 'runtime',
      namedValues: { ...namedValues, variables: current.toValues() },
      counter: options.counter,
      now,
    };
    try {
      return evaluateRuntimeExpression(inner, context, location);
    } catch (error) {
      errors.push(describeEvaluationError(value, location, error));
      return '';
    }
  };
}

/** Formats an expression error as `file:line:col: CODE: message`. */
export function describeEvaluationError(text: string, location: SourceLocation | undefined, error: unknown): string {
  const where = location && location.line > 0 ? `${formatLocation(location)}: ` : '';
  if (error instanceof ExpressionError) {
    const at = error.diagnostic.location ? `${formatLocation(error.diagnostic.location)}: ` : where;
    return `${at}${error.diagnostic.code}: ${error.diagnostic.message} (in '${text.trim()}')`;
  }
  const message = error instanceof Error ? error.message : String(error);
  return `${where}'${text.trim()}' could not be evaluated: ${message}`;
}

/**
 * Applies the queue-time scope: `--variable` values, then secrets. Sluice lets
 * them override YAML values at every scope.
 * NOTE: Azure ranks queue-time values below YAML variables and rejects a queue-time
 * value for a name the YAML defines (learn.microsoft.com/azure/devops/pipelines/process/variables,
 * "Set variables at queue time"); Sluice's `--variable` overrides on purpose, for local runs.
 */
export function applyQueueScope(set: VariableSet, options: Pick<RunOptions, 'queueVariables' | 'secrets'>): string[] {
  const blocked = applyValues(set, options.queueVariables);
  blocked.push(...applyValues(set, options.secrets ?? {}, true));
  return blocked;
}

function groupValues(group: LocalVariableGroup | undefined): Record<string, string> {
  return group ? { ...group.variables, ...group.secrets } : {};
}

/**
 * Marks the variables of a job that still hold a group secret's value as
 * secret, so the runner masks them. A later scope that redefines the name with
 * another value makes it a plain variable again.
 */
export function markGroupSecrets(set: VariableSet, groups: Record<string, LocalVariableGroup> | undefined): void {
  for (const group of Object.values(groups ?? {})) {
    for (const [name, value] of Object.entries(group.secrets)) {
      const current = set.get(name);
      if (current !== undefined && current.value === value && !current.readonly) set.set(name, { ...current, isSecret: true });
    }
  }
}

/** Replaces every secret value in a text with `***`, longest first. */
export function maskSecrets(text: string, secrets: Record<string, string> | undefined): string {
  const values = Object.values(secrets ?? {})
    .filter((value) => value.length > 0)
    .sort((a, b) => b.length - a.length);
  let masked = text;
  for (const value of values) masked = masked.split(value).join('***');
  return masked;
}

/**
 * Applies one scope's definitions with `$[ ]` values evaluated, and returns the
 * definitions with their evaluated values, so the scope can be rebuilt for each
 * job instance without evaluating (and counting) twice.
 */
export function resolveScope(
  set: VariableSet,
  definitions: readonly VariableDefinition[],
  resolve: RuntimeValueResolver,
  groups: Record<string, LocalVariableGroup> = {},
): { resolved: VariableDefinition[]; blocked: string[] } {
  const resolved: VariableDefinition[] = [];
  const blocked: string[] = [];
  for (const definition of definitions) {
    if (definition.kind === 'group') {
      // A group acts like definitions at its position (learn.microsoft.com …/process/variables, "Variable scopes").
      // Its values are taken as written: Azure does not evaluate `$[ ]` in group values.
      for (const [name, value] of Object.entries(groupValues(groups[definition.name.toLowerCase()]))) {
        resolved.push({ kind: 'variable', name, value, readonly: false, location: definition.location });
        if (!set.set(name, { value, isSecret: false, readonly: false })) blocked.push(name);
      }
      continue;
    }
    const value = resolve(definition.value, definition.expressionLocation ?? definition.location, set);
    resolved.push({ ...definition, value });
    if (!set.set(definition.name, { value, isSecret: false, readonly: definition.readonly })) blocked.push(definition.name);
  }
  return { resolved, blocked };
}
