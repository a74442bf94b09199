import type { Diagnostic } from '../diagnostic.js';
import { offsetLocation, type SourceLocation } from '../source-location.js';

/**
 * A diagnostic about an expression. `offset` and `length` count UTF-16 code
 * units from the start of the expression text, so a caller without a file
 * location can still point at the right column.
 */
export interface ExpressionDiagnostic extends Diagnostic {
  offset: number;
  length: number;
}

/** Inputs for {@link createExpressionDiagnostic}. */
export interface ExpressionDiagnosticInput {
  code: string;
  message: string;
  hint?: string;
  offset: number;
  length?: number;
}

/**
 * Creates an error diagnostic, placing it in the file when `base` (the location
 * of the first character of the expression) is known.
 */
export function createExpressionDiagnostic(
  input: ExpressionDiagnosticInput,
  base?: SourceLocation,
  text?: string,
): ExpressionDiagnostic {
  const diagnostic: ExpressionDiagnostic = {
    code: input.code,
    severity: 'error',
    message: input.message,
    offset: input.offset,
    length: input.length ?? 1,
  };
  if (input.hint !== undefined) diagnostic.hint = input.hint;
  if (base) diagnostic.location = locateOffset(base, input.offset, text);
  return diagnostic;
}

/**
 * Returns the file location `offset` characters into an expression that starts
 * at `base`. For an expression spanning several lines (a `condition: |` block),
 * the line is counted from the text.
 */
export function locateOffset(base: SourceLocation, offset: number, text?: string): SourceLocation {
  if (text === undefined) return offsetLocation(base, offset);

  const before = text.slice(0, offset);
  const lastNewline = before.lastIndexOf('\n');
  if (lastNewline < 0) return offsetLocation(base, offset);

  const lineCount = before.split('\n').length - 1;
  // NOTE: the YAML indentation of continuation lines is not known here, so the
  // column counts from the start of the line inside the scalar's text.
  return {
    ...base,
    line: base.line + lineCount,
    column: offset - lastNewline,
    endLine: undefined,
    endColumn: undefined,
  };
}
