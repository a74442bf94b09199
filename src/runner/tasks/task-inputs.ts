import { RunnerErrorCode } from '../runner-error-codes.js';
import { TaskStepError } from './task-step-error.js';

/**
 * Reads a built-in task's inputs the way the agent hands them over: keys match
 * without case, keys and values are trimmed, and macros are expanded. An input
 * can be read under its name or any alias, as in task.json `aliases`.
 */
export class TaskInputs {
  private readonly values = new Map<string, string>();

  constructor(
    raw: Record<string, string>,
    private readonly expand: (text: string) => string,
    private readonly label: string,
  ) {
    for (const [key, value] of Object.entries(raw)) this.values.set(key.trim().toLowerCase(), value.trim());
  }

  /** Returns the first input given under one of `names`, or `fallback`; the result is macro-expanded. */
  get(names: string | readonly string[], fallback?: string): string | undefined {
    for (const name of typeof names === 'string' ? [names] : names) {
      const value = this.values.get(name.toLowerCase());
      if (value !== undefined) return this.expand(value);
    }
    return fallback === undefined ? undefined : this.expand(fallback);
  }

  /** Returns the input, or the fallback when it is missing or empty. */
  text(names: string | readonly string[], fallback = ''): string {
    const value = this.get(names);
    return value === undefined || value === '' ? this.expand(fallback) : value;
  }

  /** Returns a required input; a missing or empty one raises RUN016 naming the input. */
  required(names: string | readonly string[], fallback?: string): string {
    const value = this.get(names, fallback);
    if (value !== undefined && value !== '') return value;
    const list = typeof names === 'string' ? [names] : names;
    throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${this.label}: input '${list[0]}' is required but was not given${list.length > 1 ? ` (aliases: ${list.slice(1).join(', ')})` : ''}; add it under 'inputs:'`);
  }

  /** Reads a boolean as task-lib's getBoolInput does: true only for `true` in any case. */
  bool(names: string | readonly string[], fallback = false): boolean {
    return (this.get(names, String(fallback)) ?? '').toUpperCase() === 'TRUE';
  }

  /** Reads an input that must be one of `allowed` (compared without case) and returns the allowed spelling. */
  choice<T extends string>(names: string | readonly string[], allowed: readonly T[], fallback: T): T {
    const value = this.text(names, fallback);
    const match = allowed.find((item) => item.toLowerCase() === value.toLowerCase());
    if (match !== undefined) return match;
    const name = typeof names === 'string' ? names : names[0];
    throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${this.label}: input '${name}' is '${value}', which is invalid; use one of ${allowed.join(', ')}`);
  }

  /** Reads a non-negative integer input. */
  integer(names: string | readonly string[], fallback: number): number {
    const value = this.text(names, String(fallback));
    const parsed = Number(value);
    if (Number.isInteger(parsed) && parsed >= 0) return parsed;
    const name = typeof names === 'string' ? names : names[0];
    throw new TaskStepError(RunnerErrorCode.InvalidTaskInput, `${this.label}: input '${name}' is '${value}', which is not a whole number of 0 or more`);
  }

  /** Splits a list input on line breaks and, when `commas` is set, on commas; blank items are dropped. */
  list(names: string | readonly string[], commas = false): string[] {
    const value = this.get(names) ?? '';
    return value
      .split(commas ? /[\r\n,]+/ : /\r?\n/)
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }
}
