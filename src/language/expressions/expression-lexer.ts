import { ExpressionErrorCode } from './expression-error-codes.js';
import type { ExpressionDiagnosticInput } from './expression-diagnostic.js';

/** The kinds of token in an expression. */
export type TokenKind =
  | 'identifier'
  | 'string'
  | 'number'
  | 'version'
  | 'boolean'
  | 'null'
  | 'leftParen'
  | 'rightParen'
  | 'leftBracket'
  | 'rightBracket'
  | 'comma'
  | 'dot'
  | 'star'
  | 'operator'
  | 'end';

/** One token. `text` is the raw source; `value` is the decoded literal. */
export interface Token {
  kind: TokenKind;
  text: string;
  offset: number;
  value?: string | number | boolean | number[];
}

/** The function to use instead of each infix operator, for the error hint. */
const OPERATOR_REPLACEMENTS: Record<string, string> = {
  '==': 'eq(a, b)',
  '!=': 'ne(a, b)',
  '&&': 'and(a, b)',
  '||': 'or(a, b)',
  '!': 'not(a)',
  '<': 'lt(a, b)',
  '<=': 'le(a, b)',
  '>': 'gt(a, b)',
  '>=': 'ge(a, b)',
  '=': 'eq(a, b)',
  '&': 'and(a, b)',
  '|': 'or(a, b)',
};

/**
 * The hint for `+`, which has no function form: Azure expressions have no
 * arithmetic functions (learn.microsoft.com/azure/devops/pipelines/process/expressions#functions).
 */
const PLUS_HINT =
  "Azure Pipelines expressions have no arithmetic. To join strings, use format('{0}{1}', a, b); to add numbers, compute the sum in a script step and set it with ##vso[task.setvariable].";

const OPERATOR_PATTERN = /^(==|!=|&&|\|\||<=|>=|!|<|>|=|\+|&|\|)/;
const WHITESPACE = /[ \t\r\n\f\v]/;
const IDENTIFIER_START = /[A-Za-z_]/;
const IDENTIFIER_PART = /[A-Za-z0-9_]/;
// A number or version runs over these characters; anything else ends it.
const NUMBER_PART = /[A-Za-z0-9_.]/;
const DECIMAL_NUMBER = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const VERSION = /^\d+(\.\d+){1,3}$/;
const INT32_MAX = 2_147_483_647;

/** The tokens of an expression and the lexical errors found on the way. */
export interface LexResult {
  tokens: Token[];
  errors: ExpressionDiagnosticInput[];
}

/**
 * Splits expression text into tokens. Lexing never stops at an error: a bad
 * character is reported and skipped, and an infix operator becomes an
 * `operator` token so the parser can skip it and keep going.
 */
export function tokenizeExpression(text: string): LexResult {
  const tokens: Token[] = [];
  const errors: ExpressionDiagnosticInput[] = [];
  let position = 0;

  while (position < text.length) {
    const character = text[position]!;
    if (WHITESPACE.test(character)) {
      position += 1;
      continue;
    }

    const start = position;
    const previous = tokens[tokens.length - 1];
    const punctuation = readPunctuation(character, previous);
    if (punctuation) {
      tokens.push({ kind: punctuation, text: character, offset: start });
      position += 1;
      continue;
    }

    if (character === "'") {
      position = readString(text, start, tokens, errors);
      continue;
    }

    if (isNumberStart(text, position, previous)) {
      position = readNumber(text, start, tokens, errors);
      continue;
    }

    if (IDENTIFIER_START.test(character)) {
      position = readIdentifier(text, start, tokens);
      continue;
    }

    const operator = OPERATOR_PATTERN.exec(text.slice(position));
    if (operator) {
      const symbol = operator[1]!;
      tokens.push({ kind: 'operator', text: symbol, offset: start });
      errors.push({
        code: ExpressionErrorCode.OperatorNotSupported,
        message: `The operator '${symbol}' is not supported; Azure Pipelines expressions have no infix operators.`,
        hint: symbol === '+' ? PLUS_HINT : `Use the function form instead: ${OPERATOR_REPLACEMENTS[symbol]}.`,
        offset: start,
        length: symbol.length,
      });
      position += symbol.length;
      continue;
    }

    errors.push({
      code: ExpressionErrorCode.UnexpectedCharacter,
      message: `Unexpected character '${character}'.`,
      hint: "Expressions contain literals ('text', 12, true, 1.2.3), names such as variables.x, and calls such as eq(a, b).",
      offset: start,
      length: 1,
    });
    position += 1;
  }

  tokens.push({ kind: 'end', text: '', offset: text.length });
  return { tokens, errors };
}

/** Reports whether the previous token ends a value, so a `.` after it is property access. */
function endsValue(token: Token | undefined): boolean {
  if (!token) return false;
  return ['identifier', 'rightParen', 'rightBracket', 'string', 'number', 'version', 'boolean', 'null', 'star'].includes(
    token.kind,
  );
}

function readPunctuation(character: string, previous: Token | undefined): TokenKind | undefined {
  switch (character) {
    case '(':
      return 'leftParen';
    case ')':
      return 'rightParen';
    case '[':
      return 'leftBracket';
    case ']':
      return 'rightBracket';
    case ',':
      return 'comma';
    case '*':
      return 'star';
    case '.':
      return endsValue(previous) ? 'dot' : undefined;
    default:
      return undefined;
  }
}

// Azure: a number starts with '-', '.' or a digit (learn.microsoft.com …/process/expressions, "Number").
function isNumberStart(text: string, position: number, previous: Token | undefined): boolean {
  const character = text[position]!;
  const next = text[position + 1] ?? '';
  if (/\d/.test(character)) return true;
  if (character === '.') return !endsValue(previous) && /\d/.test(next);
  if (character === '-') return /[\d.]/.test(next);
  return false;
}

/** Reads a single-quoted string; every `''` inside decodes to one `'`. */
function readString(text: string, start: number, tokens: Token[], errors: ExpressionDiagnosticInput[]): number {
  let position = start + 1;
  let value = '';

  while (position < text.length) {
    const character = text[position]!;
    if (character !== "'") {
      value += character;
      position += 1;
      continue;
    }
    if (text[position + 1] === "'") {
      value += "'";
      position += 2;
      continue;
    }
    tokens.push({ kind: 'string', text: text.slice(start, position + 1), offset: start, value });
    return position + 1;
  }

  errors.push({
    code: ExpressionErrorCode.UnterminatedString,
    message: 'The string literal has no closing quote.',
    hint: "End the string with ', and write a quote inside a string as '' (for example 'It''s OK').",
    offset: start,
    length: text.length - start,
  });
  tokens.push({ kind: 'string', text: text.slice(start), offset: start, value });
  return text.length;
}

/** Reads a number (`-1.2`, `.5`, `1e3`) or a version (`1.2.3`, two or three dots). */
function readNumber(text: string, start: number, tokens: Token[], errors: ExpressionDiagnosticInput[]): number {
  let position = start + 1;
  while (position < text.length) {
    const character = text[position]!;
    const previous = text[position - 1]!;
    const isExponentSign = (character === '+' || character === '-') && /[eE]/.test(previous);
    if (!NUMBER_PART.test(character) && !isExponentSign) break;
    position += 1;
  }
  const raw = text.slice(start, position);

  if (VERSION.test(raw) && raw.split('.').length >= 3) {
    const parts = raw.split('.').map(Number);
    if (parts.every((part) => part <= INT32_MAX)) {
      tokens.push({ kind: 'version', text: raw, offset: start, value: parts });
      return position;
    }
  }

  if (DECIMAL_NUMBER.test(raw)) {
    tokens.push({ kind: 'number', text: raw, offset: start, value: Number(raw) });
    return position;
  }

  errors.push({
    code: ExpressionErrorCode.InvalidLiteral,
    message: `'${raw}' is not a valid number or version.`,
    hint: 'Write a number such as 12, -1.5 or .5, a version with two or three dots such as 1.2.3, or quote text as a string.',
    offset: start,
    length: raw.length,
  });
  tokens.push({ kind: 'number', text: raw, offset: start, value: 0 });
  return position;
}

/** Reads a name; `true`, `false` and `null` in any case become literals. */
function readIdentifier(text: string, start: number, tokens: Token[]): number {
  let position = start + 1;
  while (position < text.length && IDENTIFIER_PART.test(text[position]!)) position += 1;
  const raw = text.slice(start, position);
  const lower = raw.toLowerCase();

  // A keyword directly after `.` is a property name, as in `parameters.true`.
  const afterDot = tokens[tokens.length - 1]?.kind === 'dot';
  if (!afterDot && (lower === 'true' || lower === 'false')) {
    tokens.push({ kind: 'boolean', text: raw, offset: start, value: lower === 'true' });
  } else if (!afterDot && lower === 'null') {
    tokens.push({ kind: 'null', text: raw, offset: start });
  } else {
    tokens.push({ kind: 'identifier', text: raw, offset: start });
  }
  return position;
}
