import type { JobVariable } from './job-request.js';

/** A variable in a running job, with the name as it was first written. */
export interface RuntimeVariable extends JobVariable {
  name: string;
  /** Keep the written case in the environment name (`preservecase=true`). */
  preserveCase?: boolean;
}

/**
 * The variables of one running job. Names are case-insensitive, as in Azure;
 * the first spelling of a name is kept for display.
 */
export class JobVariables {
  private readonly byKey = new Map<string, RuntimeVariable>();

  constructor(initial: Record<string, JobVariable> = {}) {
    for (const [name, variable] of Object.entries(initial)) {
      this.byKey.set(name.toLowerCase(), { name, ...variable });
    }
  }

  /** Returns the variable, ignoring the case of `name`. */
  get(name: string): RuntimeVariable | undefined {
    return this.byKey.get(name.toLowerCase());
  }

  /** Returns the value, ignoring the case of `name`. */
  value(name: string): string | undefined {
    return this.byKey.get(name.toLowerCase())?.value;
  }

  /**
   * Sets a variable without checks; callers enforce `readonly`. A variable that
   * was secret stays secret ("once a secret, always a secret", as
   * azure-pipelines-task-lib's setVariable does).
   */
  set(name: string, value: string, flags: Partial<Omit<RuntimeVariable, 'name' | 'value'>> = {}): RuntimeVariable {
    const existing = this.byKey.get(name.toLowerCase());
    const variable: RuntimeVariable = {
      name: existing?.name ?? name,
      value,
      isSecret: (existing?.isSecret ?? false) || (flags.isSecret ?? false),
      readonly: flags.readonly ?? existing?.readonly ?? false,
      preserveCase: flags.preserveCase ?? existing?.preserveCase,
    };
    this.byKey.set(name.toLowerCase(), variable);
    return variable;
  }

  /** Lists every variable in insertion order. */
  all(): RuntimeVariable[] {
    return [...this.byKey.values()];
  }
}
