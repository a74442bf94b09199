import type { ExpressionDiagnostic } from './expression-diagnostic.js';

/**
 * An invalid expression or a failed evaluation. `diagnostic` is the first (or
 * only) problem; `diagnostics` lists every problem when parsing found several.
 */
export class ExpressionError extends Error {
  readonly diagnostics: ExpressionDiagnostic[];

  constructor(
    readonly diagnostic: ExpressionDiagnostic,
    diagnostics?: ExpressionDiagnostic[],
  ) {
    super(`${diagnostic.code}: ${diagnostic.message}`);
    this.name = 'ExpressionError';
    this.diagnostics = diagnostics && diagnostics.length > 0 ? diagnostics : [diagnostic];
  }
}
