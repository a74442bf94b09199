import type { SourceLocation } from './source-location.js';

export type Severity = 'error' | 'warning';

/**
 * A problem found in a user's pipeline. `code` is stable and documented in the
 * catalogue of the layer that reports it; `hint` says how to fix the problem.
 */
export interface Diagnostic {
  code: string;
  severity: Severity;
  message: string;
  location?: SourceLocation;
  hint?: string;
}

/** Most diagnostics kept for one input; later ones are counted, not stored. */
export const MAX_DIAGNOSTICS = 200;

/**
 * Collects diagnostics while parsing, expanding or validating, so that one pass
 * reports every problem of a file instead of stopping at the first.
 */
export class DiagnosticBag {
  readonly items: Diagnostic[] = [];
  dropped = 0;

  add(diagnostic: Diagnostic): void {
    if (this.items.length >= MAX_DIAGNOSTICS) {
      this.dropped += 1;
      return;
    }
    this.items.push(diagnostic);
  }

  error(code: string, message: string, location?: SourceLocation, hint?: string): void {
    this.add({ code, severity: 'error', message, location, hint });
  }

  warning(code: string, message: string, location?: SourceLocation, hint?: string): void {
    this.add({ code, severity: 'warning', message, location, hint });
  }

  addAll(diagnostics: Iterable<Diagnostic>): void {
    for (const diagnostic of diagnostics) this.add(diagnostic);
  }

  get errors(): Diagnostic[] {
    return this.items.filter((item) => item.severity === 'error');
  }

  get warnings(): Diagnostic[] {
    return this.items.filter((item) => item.severity === 'warning');
  }

  hasErrors(): boolean {
    return this.items.some((item) => item.severity === 'error');
  }
}

/**
 * Thrown when user input is invalid. The CLI prints each diagnostic with its
 * source line and exits with code 2; it is never treated as a bug in Sluice.
 */
export class PipelineError extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => `${d.code}: ${d.message}`).join('\n'));
    this.name = 'PipelineError';
  }
}
