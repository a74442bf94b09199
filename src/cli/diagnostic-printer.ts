import type { Diagnostic } from '../language/diagnostic.js';
import type { SourceFileSet } from '../language/source-file-set.js';
import { formatLocation } from '../language/source-location.js';
import type { SourceLocation } from '../language/source-location.js';

const RED = '\u001b[31m';
const YELLOW = '\u001b[33m';
const CYAN = '\u001b[36m';
const BOLD = '\u001b[1m';
const RESET = '\u001b[0m';

/**
 * Renders diagnostics for a terminal: `file:line:col: error CODE: message`, the
 * source line with a caret under the column (and tildes to the end column when
 * it is on the same line), a `hint:` line, and `included from …` lines for
 * diagnostics inside templates. Colour codes are added only when `color` is set.
 */
export function formatDiagnostics(diagnostics: Diagnostic[], sources: SourceFileSet, options?: { color?: boolean }): string {
  const paint = (code: string, text: string): string => (options?.color ? `${code}${text}${RESET}` : text);
  return diagnostics.map((diagnostic) => formatOne(diagnostic, sources, paint)).join('\n');
}

function formatOne(diagnostic: Diagnostic, sources: SourceFileSet, paint: (code: string, text: string) => string): string {
  const lines: string[] = [];
  const severity = paint(diagnostic.severity === 'error' ? RED + BOLD : YELLOW + BOLD, diagnostic.severity);
  const where = diagnostic.location ? `${formatLocation(diagnostic.location)}: ` : '';
  lines.push(`${paint(BOLD, where)}${severity} ${diagnostic.code}: ${diagnostic.message}`);

  if (diagnostic.location) lines.push(...sourceExcerpt(diagnostic.location, sources, paint));
  if (diagnostic.hint) lines.push(`  ${paint(CYAN, 'hint:')} ${diagnostic.hint}`);

  for (let parent = diagnostic.location?.includedFrom; parent; parent = parent.includedFrom) {
    lines.push(`  included from ${formatLocation(parent)}`);
  }
  return lines.join('\n') + '\n';
}

/** Returns the source line and a marker line with a caret (plus tildes) under the range; tabs are kept so the caret lines up. */
function sourceExcerpt(location: SourceLocation, sources: SourceFileSet, paint: (code: string, text: string) => string): string[] {
  const text = sources.line(location.file, location.line);
  if (text === undefined) return [];

  const gutter = String(location.line);
  const padding = ' '.repeat(gutter.length);
  const before = text.slice(0, Math.max(0, location.column - 1)).replace(/[^\t]/g, ' ');

  const sameLine = location.endLine === undefined || location.endLine === location.line;
  const endColumn = sameLine && location.endColumn !== undefined ? Math.min(location.endColumn, text.length + 1) : location.column + 1;
  const width = Math.max(1, endColumn - location.column);
  const marker = '^' + '~'.repeat(width - 1);

  return [`  ${gutter} | ${text}`, `  ${padding} | ${before}${paint(RED + BOLD, marker)}`];
}

/** Converts diagnostics to plain objects for `--json` output; the fields match the Diagnostic interface. */
export function diagnosticsToJson(diagnostics: Diagnostic[]): object[] {
  return diagnostics.map((diagnostic) => ({
    code: diagnostic.code,
    severity: diagnostic.severity,
    message: diagnostic.message,
    ...(diagnostic.location ? { location: locationToJson(diagnostic.location) } : {}),
    ...(diagnostic.hint ? { hint: diagnostic.hint } : {}),
  }));
}

function locationToJson(location: SourceLocation): object {
  return {
    file: location.file,
    line: location.line,
    column: location.column,
    ...(location.endLine !== undefined ? { endLine: location.endLine } : {}),
    ...(location.endColumn !== undefined ? { endColumn: location.endColumn } : {}),
    ...(location.includedFrom ? { includedFrom: locationToJson(location.includedFrom) } : {}),
  };
}
