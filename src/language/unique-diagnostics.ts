import type { Diagnostic } from './diagnostic.js';

/**
 * Removes repeats of a diagnostic: the same code, severity and message at the
 * same file, line and column. A template included several times is expanded and
 * checked once per include, so a mistake written in the template is met once per
 * include, with only `includedFrom` differing. The first report, and its include
 * chain, is kept; order is otherwise unchanged.
 */
export function uniqueDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return diagnostics.filter((diagnostic) => {
    const location = diagnostic.location;
    const site = location ? `${location.file}\u0000${location.line}\u0000${location.column}` : '';
    const key = `${diagnostic.code}\u0000${diagnostic.severity}\u0000${site}\u0000${diagnostic.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
