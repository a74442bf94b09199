import type { AzureResultName } from '../../events/task-result.js';
import type { SourceLocation } from '../source-location.js';

/**
 * A value in the expression language. Objects and arrays come from contexts
 * (variables, parameters, dependencies) or from functions such as `split`;
 * they cannot be written as literals. `ExpressionVersion` is a version literal.
 */
export type ExpressionValue =
  | null
  | boolean
  | number
  | string
  | ExpressionVersion
  | ExpressionDateTime
  | ExpressionValue[]
  | ExpressionObject;

export interface ExpressionObject {
  [key: string]: ExpressionValue;
}

/** A version such as `1.2.3`, kept as its parts. */
export class ExpressionVersion {
  constructor(readonly parts: number[]) {}

  toString(): string {
    return this.parts.join('.');
  }
}

/**
 * A point in time, such as `pipeline.startTime`. `offsetMinutes` is the UTC
 * offset used when formatting; pipeline times are UTC by default
 * (learn.microsoft.com …/pipelines/process/expressions, "pipeline.startTime").
 */
export class ExpressionDateTime {
  constructor(
    readonly date: Date,
    readonly offsetMinutes = 0,
  ) {}

  /**
   * Returns ISO 8601 with the offset, for example `2024-05-01T10:30:00.000+00:00`.
   * NOTE: Azure's exact default string form of a date-time is undocumented.
   */
  toString(): string {
    const shifted = new Date(this.date.getTime() + this.offsetMinutes * 60_000);
    const sign = this.offsetMinutes < 0 ? '-' : '+';
    const absolute = Math.abs(this.offsetMinutes);
    const hours = String(Math.floor(absolute / 60)).padStart(2, '0');
    const minutes = String(absolute % 60).padStart(2, '0');
    return `${shifted.toISOString().slice(0, -1)}${sign}${hours}:${minutes}`;
  }
}

/**
 * What status functions (succeeded(), failed(), …) look at.
 * At step scope, `jobStatus` is Agent.JobStatus so far. At job or stage scope,
 * `dependencies` has the result of every dependency, direct and indirect, by name.
 */
export interface StatusContext {
  canceled: boolean;
  jobStatus?: AzureResultName;
  dependencies?: Record<string, AzureResultName>;
}

/**
 * Where an expression is evaluated, which decides the allowed functions and
 * named values: `template` is `${{ }}`, `runtime` is `$[ ]`, `condition` is a
 * `condition:` value.
 */
export type ExpressionMode = 'template' | 'runtime' | 'condition';

export interface ExpressionContext {
  mode: ExpressionMode;
  /**
   * Named values by name: `variables`, `parameters`, `dependencies`,
   * `stageDependencies`, `pipeline`, `resources`, loop variables. Property
   * and index lookups on them are case-insensitive.
   */
  namedValues: Record<string, ExpressionValue>;
  /** Required for status functions; they are errors when it is missing. */
  status?: StatusContext;
  /** Backs `counter(prefix, seed)`; counter() is an error when it is missing. */
  counter?: (prefix: string, seed: number) => number;
  /** The time `format` and `pipeline.startTime` use; defaults to the current time. */
  now?: Date;
  /**
   * The location in the pipeline file where the expression text starts.
   * Evaluation errors are placed at this location plus the offset of the failing node.
   */
  location?: SourceLocation;
}
