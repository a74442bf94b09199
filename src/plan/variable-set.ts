import type { JobVariable } from '../runner/job-request.js';
import type { VariableDefinition } from '../language/pipeline/pipeline-model.js';
import type { SourceLocation } from '../language/source-location.js';

/**
 * Variables by name with Azure's case-insensitive lookup; names keep the case
 * of their first definition. Scopes are applied lowest precedence first, so a
 * later `set` overrides, except that a read-only variable keeps its value.
 */
export class VariableSet {
  private readonly entries = new Map<string, { name: string; variable: JobVariable }>();

  /** Sets a variable; returns false, changing nothing, when the existing one is read-only. */
  set(name: string, variable: JobVariable): boolean {
    const key = name.toLowerCase();
    const existing = this.entries.get(key);
    if (existing?.variable.readonly) return false;
    this.entries.set(key, { name: existing?.name ?? name, variable: { ...variable } });
    return true;
  }

  get(name: string): JobVariable | undefined {
    return this.entries.get(name.toLowerCase())?.variable;
  }

  /** Copies the set, so a scope can be extended without changing its parent. */
  clone(): VariableSet {
    const copy = new VariableSet();
    for (const [key, entry] of this.entries) copy.entries.set(key, { name: entry.name, variable: { ...entry.variable } });
    return copy;
  }

  /** Variables by their original names, as JobRequest.variables takes them. */
  toRecord(): Record<string, JobVariable> {
    const record: Record<string, JobVariable> = {};
    for (const entry of this.entries.values()) record[entry.name] = { ...entry.variable };
    return record;
  }

  /** Plain values by name, for the `variables` named value of expressions. */
  toValues(): Record<string, string> {
    const values: Record<string, string> = {};
    for (const entry of this.entries.values()) values[entry.name] = entry.variable.value;
    return values;
  }
}

/**
 * Turns a `$[ ]` variable value into its result. It gets the variables
 * defined so far, because Azure evaluates expression variables in the order
 * they are listed (learn.microsoft.com/azure/devops/pipelines/process/expressions).
 */
export type RuntimeValueResolver = (value: string, location: SourceLocation, current: VariableSet) => string;

/**
 * Applies one `variables:` block in source order, so the last definition of a
 * name in the scope wins. Returns the names a read-only variable kept from being
 * overridden. Variable groups are not applied: Sluice has no group store, and
 * the language layer reports them before a run.
 */
export function applyVariableDefinitions(
  set: VariableSet,
  definitions: readonly VariableDefinition[],
  resolve?: RuntimeValueResolver,
): string[] {
  const blocked: string[] = [];
  for (const definition of definitions) {
    if (definition.kind !== 'variable') continue;
    const value = resolve ? resolve(definition.value, definition.location, set) : definition.value;
    const applied = set.set(definition.name, { value, isSecret: false, readonly: definition.readonly });
    if (!applied) blocked.push(definition.name);
  }
  return blocked;
}

/** Applies plain values (matrix legs, queue-time values) as one scope. */
export function applyValues(set: VariableSet, values: Record<string, string>, isSecret = false): string[] {
  const blocked: string[] = [];
  for (const [name, value] of Object.entries(values)) {
    if (!set.set(name, { value, isSecret, readonly: false })) blocked.push(name);
  }
  return blocked;
}
