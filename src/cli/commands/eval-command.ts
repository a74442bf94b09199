import { readFile } from 'node:fs/promises';
import { createContextFromJson } from '../../language/expressions/context-from-json.js';
import type { ExpressionDiagnostic } from '../../language/expressions/expression-diagnostic.js';
import { ExpressionErrorCode } from '../../language/expressions/expression-error-codes.js';
import {
  evaluateCondition,
  evaluateWithSource,
  ExpressionError,
  parseOrThrow,
} from '../../language/expressions/evaluate-expression.js';
import { toJsonValue } from '../../language/expressions/json-value.js';
import { findKey } from '../../language/expressions/named-values.js';
import { castToString, isExpressionObject } from '../../language/expressions/type-conversion.js';
import { expandMacros } from '../../language/variables/macro-expansion.js';
import { formatCliError } from '../cli-error-message.js';

/** The syntax `sluice eval` reads its text as: `${{ }}`, `$[ ]`, a `condition:` or a `$( )` macro text. */
export type EvalMode = 'template' | 'runtime' | 'condition' | 'macro';

const EVAL_MODES: readonly EvalMode[] = ['template', 'runtime', 'condition', 'macro'];

/** Exit code for a value printed. */
const EXIT_OK = 0;
/** Exit code for invalid input: a bad expression, mode or context file. */
const EXIT_INVALID_INPUT = 2;

type EvalIo = { stdout: (text: string) => void; stderr: (text: string) => void };

/**
 * Runs `sluice eval`: evaluates one expression and prints the value as JSON.
 * `--as runtime` (the default) and `--as template` print the value, `--as
 * condition` prints true or false, and `--as macro` expands `$(name)` from the
 * context's variables. The optional context file is JSON with `variables`,
 * `parameters`, `dependencies`, `stageDependencies`, `pipeline`, `resources`,
 * `jobStatus`, `canceled` and `now`. Returns 0, or 2 after printing
 * `error CODE: message` and the expression with a caret under the error.
 */
export async function runEvalCommand(
  expression: string,
  options: { context?: string; as?: EvalMode },
  io: EvalIo,
): Promise<number> {
  const mode = options.as ?? 'runtime';
  if (!EVAL_MODES.includes(mode)) {
    io.stderr(formatCliError(ExpressionErrorCode.InvalidEvalMode, `invalid --as value '${String(mode)}': expected one of ${EVAL_MODES.join(', ')}`, 'use --as runtime for $[ ] expressions, --as template for ${{ }}'));
    return EXIT_INVALID_INPUT;
  }

  const data = options.context === undefined ? {} : await readContextFile(options.context, io);
  if (data === undefined) return EXIT_INVALID_INPUT;

  const built = createContextFromJson(data, mode === 'macro' ? 'runtime' : mode);
  if (!built.ok) {
    const source = options.context ?? 'the context';
    for (const problem of built.problems) io.stderr(formatCliError(ExpressionErrorCode.InvalidContextFile, `${source}: ${problem}`));
    return EXIT_INVALID_INPUT;
  }
  const context = built.context;

  if (mode === 'macro') {
    const variables = context.namedValues.variables ?? {};
    const lookup = (name: string): string | undefined => {
      if (!isExpressionObject(variables)) return undefined;
      const key = findKey(variables, name);
      return key === undefined ? undefined : castToString(variables[key]!);
    };
    io.stdout(`${JSON.stringify(expandMacros(expression, lookup))}\n`);
    return EXIT_OK;
  }

  const text = unwrapExpression(expression, mode);
  try {
    if (mode === 'condition') {
      io.stdout(`${JSON.stringify(evaluateCondition(text, context))}\n`);
      return EXIT_OK;
    }
    const value = evaluateWithSource(parseOrThrow(text), context, text);
    io.stdout(`${JSON.stringify(toJsonValue(value), null, 2)}\n`);
    return EXIT_OK;
  } catch (error) {
    if (!(error instanceof ExpressionError)) throw error;
    for (const diagnostic of error.diagnostics) io.stderr(renderDiagnostic(diagnostic, text));
    return EXIT_INVALID_INPUT;
  }
}

/** Reads and parses the context file, printing a coded error and returning undefined on failure. */
async function readContextFile(path: string, io: EvalIo): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message;
    io.stderr(formatCliError(ExpressionErrorCode.InvalidContextFile, `cannot read the context file '${path}': ${reason}`));
    return undefined;
  }

  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    io.stderr(formatCliError(ExpressionErrorCode.InvalidContextFile, `the context file '${path}' is not valid JSON: ${(error as Error).message}`));
    return undefined;
  }
}

/** Accepts `${{ x }}` for templates and `$[ x ]` for runtime, as written in YAML, and returns `x`. */
function unwrapExpression(text: string, mode: EvalMode): string {
  const trimmed = text.trim();
  if (mode === 'template' && trimmed.startsWith('${{') && trimmed.endsWith('}}')) return trimmed.slice(3, -2);
  if (mode === 'runtime' && trimmed.startsWith('$[') && trimmed.endsWith(']')) return trimmed.slice(2, -1);
  return text;
}

/** Formats a diagnostic as `error CODE: message`, the hint, and the expression line with a caret under the error. */
function renderDiagnostic(diagnostic: ExpressionDiagnostic, text: string): string {
  const lineStart = text.lastIndexOf('\n', diagnostic.offset - 1) + 1;
  const lineEndIndex = text.indexOf('\n', diagnostic.offset);
  const lineEnd = lineEndIndex < 0 ? text.length : lineEndIndex;
  const line = text.slice(lineStart, lineEnd);

  // Keep tabs so the caret lines up under tabbed text.
  const padding = line.slice(0, diagnostic.offset - lineStart).replace(/[^\t]/g, ' ');
  const width = Math.max(1, Math.min(diagnostic.length, lineEnd - diagnostic.offset));
  const lines = [`error ${diagnostic.code}: ${diagnostic.message}`];
  if (diagnostic.hint) lines.push(`  hint: ${diagnostic.hint}`);
  lines.push(`  ${line}`, `  ${padding}^${'~'.repeat(width - 1)}`);
  return `${lines.join('\n')}\n`;
}
