import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../source-location.js';
import type { ExpressionNode, FunctionCallNode } from './expression-ast.js';
import { ExpressionVersion } from './expression-context.js';
import { createExpressionDiagnostic, type ExpressionDiagnosticInput } from './expression-diagnostic.js';
import { ExpressionErrorCode } from './expression-error-codes.js';
import { tokenizeExpression, type Token, type TokenKind } from './expression-lexer.js';
import { describeArity, lookupFunction } from './functions/function-registry.js';

/**
 * Maximum expression length accepted, in characters.
 * NOTE: Azure publishes no limit; this one only guards against runaway input.
 */
export const MAX_EXPRESSION_LENGTH = 100_000;

/**
 * Maximum nesting of calls, property accesses and indexes accepted.
 * NOTE: Azure publishes no limit; this one keeps evaluation off deep recursion.
 */
export const MAX_EXPRESSION_DEPTH = 50;

/**
 * Parses expression text (the inside of `${{ }}`, `$[ ]` or a `condition:`)
 * into a syntax tree. Syntax errors do not stop the parse: every problem is
 * returned as a diagnostic, and `ast` is present only when there were none.
 */
export function parseExpression(
  text: string,
  options?: { location?: SourceLocation },
): { ast?: ExpressionNode; diagnostics: Diagnostic[] } {
  const base = options?.location;
  const toDiagnostic = (input: ExpressionDiagnosticInput) => createExpressionDiagnostic(input, base, text);

  if (text.length > MAX_EXPRESSION_LENGTH) {
    const diagnostic = toDiagnostic({
      code: ExpressionErrorCode.LimitExceeded,
      message: `The expression is ${text.length} characters long; the maximum is ${MAX_EXPRESSION_LENGTH}.`,
      hint: 'Split the work over several variables or template parameters.',
      offset: 0,
    });
    return { diagnostics: [diagnostic] };
  }

  const lexed = tokenizeExpression(text);
  const parser = new ExpressionParser(lexed.tokens);
  const ast = parser.parseAll();

  const inputs = firstPerSite([...lexed.errors, ...parser.errors].sort((a, b) => a.offset - b.offset));
  const diagnostics = inputs.map(toDiagnostic);
  if (diagnostics.length > 0 || !ast) return { diagnostics };
  return { ast, diagnostics };
}

/**
 * Keeps the first error of each code at each offset. One mistake can be met
 * more than once while the parser unwinds: text that ends inside `eq(1, ` lacks
 * both an argument and the closing `)`, and each enclosing call meets the same end.
 * The first report is the innermost one, so it is kept.
 */
function firstPerSite(inputs: ExpressionDiagnosticInput[]): ExpressionDiagnosticInput[] {
  const seen = new Set<string>();
  return inputs.filter((input) => {
    const site = `${input.code}@${input.offset}`;
    if (seen.has(site)) return false;
    seen.add(site);
    return true;
  });
}

/** A recursive-descent parser over the token list; it records errors and resynchronises. */
class ExpressionParser {
  readonly errors: ExpressionDiagnosticInput[] = [];
  private position = 0;
  /** Operators skipped so far; a call whose arguments had one gets no argument-count check. */
  private skippedOperators = 0;

  constructor(private readonly tokens: Token[]) {}

  parseAll(): ExpressionNode | undefined {
    const first = this.peek();
    if (first.kind === 'end') {
      this.errors.push({
        code: ExpressionErrorCode.EmptyExpression,
        message: 'The expression is empty.',
        hint: "Write a value or a function call, for example eq(variables['Build.Reason'], 'Manual').",
        offset: 0,
      });
      return undefined;
    }

    const node = this.parseExpression(0);
    while (this.peek().kind !== 'end') {
      const extra = this.next();
      if (extra.kind === 'operator') {
        // The lexer already reported the operator; parse the right side to find later errors.
        if (this.peek().kind !== 'end') this.parseExpression(0);
        continue;
      }
      this.unexpected(extra, 'the end of the expression');
      this.skipTo(['end']);
    }
    return node;
  }

  private parseExpression(depth: number): ExpressionNode | undefined {
    const token = this.peek();
    if (depth > MAX_EXPRESSION_DEPTH) {
      this.errors.push({
        code: ExpressionErrorCode.LimitExceeded,
        message: `The expression nests deeper than ${MAX_EXPRESSION_DEPTH} levels.`,
        hint: 'Split the expression over several variables.',
        offset: token.offset,
      });
      this.skipTo(['end']);
      return undefined;
    }

    let node = this.parsePrimary(depth);
    if (!node) return undefined;
    node = this.parsePostfix(node, depth);

    // `a == b` inside arguments: report once (the lexer did) and skip the right side.
    while (this.peek().kind === 'operator') {
      this.next();
      this.skippedOperators += 1;
      if (!['end', 'comma', 'rightParen', 'rightBracket'].includes(this.peek().kind)) this.parseExpression(depth + 1);
    }
    return node;
  }

  private parsePrimary(depth: number): ExpressionNode | undefined {
    const token = this.next();
    const span = { offset: token.offset, length: token.text.length };

    switch (token.kind) {
      case 'string':
      case 'number':
      case 'boolean':
        return { kind: 'literal', value: token.value as string | number | boolean, ...span };
      case 'null':
        // NOTE: the 2019 docs list `null` as a literal, but current ones state that it cannot be written. It is accepted for old pipelines.
        return { kind: 'literal', value: null, ...span };
      case 'version':
        return { kind: 'literal', value: new ExpressionVersion(token.value as number[]), ...span };
      case 'identifier':
        if (this.peek().kind === 'leftParen') return this.parseCall(token, depth);
        return { kind: 'namedValue', name: token.text, ...span };
      case 'operator':
        // Reported by the lexer (for example `!eq(a, b)`); parse what follows so later errors show too.
        this.skippedOperators += 1;
        if (!['end', 'comma', 'rightParen'].includes(this.peek().kind)) return this.parseExpression(depth + 1);
        return undefined;
      case 'end':
        this.errors.push({
          code: ExpressionErrorCode.UnexpectedEnd,
          message: 'The expression ends where a value is expected.',
          hint: 'Complete the expression; check for a missing argument or a trailing comma.',
          offset: token.offset,
        });
        return undefined;
      case 'leftParen':
        this.errors.push({
          code: ExpressionErrorCode.UnexpectedToken,
          message: "Unexpected '(' : parentheses are only used around function arguments.",
          hint: 'Remove the parentheses, or put a function name before them, for example not(...).',
          offset: token.offset,
        });
        this.skipTo(['end']);
        return undefined;
      default:
        this.unexpected(token, 'a value (a literal, a name or a function call)');
        return undefined;
    }
  }

  private parsePostfix(target: ExpressionNode, depth: number): ExpressionNode {
    let node = target;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'dot') {
        this.next();
        node = this.parseMember(node);
        continue;
      }
      if (token.kind === 'leftBracket') {
        this.next();
        node = this.parseIndex(node, depth);
        continue;
      }
      return node;
    }
  }

  private parseMember(target: ExpressionNode): ExpressionNode {
    const token = this.next();
    const length = token.offset + token.text.length - target.offset;
    if (token.kind === 'star') return { kind: 'filter', target, offset: target.offset, length };
    if (token.kind === 'identifier') return { kind: 'property', target, name: token.text, offset: target.offset, length };

    this.unexpected(token, "a property name after '.'");
    return target;
  }

  private parseIndex(target: ExpressionNode, depth: number): ExpressionNode {
    if (this.peek().kind === 'star') {
      this.next();
      const close = this.expect('rightBracket', "']' after '[*'");
      const end = close ? close.offset + 1 : this.peek().offset;
      return { kind: 'filter', target, offset: target.offset, length: end - target.offset };
    }

    const index = this.parseExpression(depth + 1);
    const close = this.expect('rightBracket', "']' to close the index");
    if (!close) this.skipTo(['rightBracket', 'end'], true);
    if (!index) return target;
    const end = close ? close.offset + 1 : this.peek().offset;
    return { kind: 'index', target, index, offset: target.offset, length: end - target.offset };
  }

  private parseCall(nameToken: Token, depth: number): ExpressionNode | undefined {
    this.next(); // '('
    const args: ExpressionNode[] = [];
    let complete = true;
    const errorsBefore = this.errors.length;
    const operatorsBefore = this.skippedOperators;

    if (this.peek().kind === 'rightParen') {
      this.next();
    } else {
      for (;;) {
        const argument = this.parseExpression(depth + 1);
        if (argument) args.push(argument);
        else complete = false;

        const separator = this.peek();
        if (separator.kind === 'comma') {
          this.next();
          continue;
        }
        if (separator.kind === 'rightParen') {
          this.next();
          break;
        }
        complete = false;
        if (separator.kind === 'end') {
          this.errors.push({
            code: ExpressionErrorCode.UnexpectedEnd,
            message: `The call to '${nameToken.text}' has no closing ')'.`,
            hint: "Add ')' after the last argument.",
            offset: separator.offset,
          });
          break;
        }
        this.unexpected(separator, "',' or ')' in the argument list");
        this.skipTo(['comma', 'rightParen', 'end']);
        if (this.peek().kind === 'comma') {
          this.next();
          continue;
        }
        if (this.peek().kind === 'rightParen') this.next();
        break;
      }
    }

    const closing = this.tokens[this.position - 1]!;
    const node: FunctionCallNode = {
      kind: 'call',
      name: nameToken.text,
      args,
      offset: nameToken.offset,
      length: closing.offset + closing.text.length - nameToken.offset,
    };
    const clean = this.errors.length === errorsBefore && this.skippedOperators === operatorsBefore;
    this.checkCall(node, complete && clean);
    return node;
  }

  /** Checks that the function exists and gets an allowed number of arguments. */
  private checkCall(node: FunctionCallNode, complete: boolean): void {
    const definition = lookupFunction(node.name);
    if (!definition) {
      this.errors.push({
        code: ExpressionErrorCode.UnknownFunction,
        message: `Unknown function '${node.name}'.`,
        hint: 'Check the spelling; the functions are listed at learn.microsoft.com/azure/devops/pipelines/process/expressions#functions.',
        offset: node.offset,
        length: node.name.length,
      });
      return;
    }
    if (!complete) return;

    const count = node.args.length;
    if (count < definition.minArgs || count > definition.maxArgs) {
      this.errors.push({
        code: ExpressionErrorCode.WrongArgumentCount,
        message: `'${definition.name}' takes ${describeArity(definition)}, but ${count} ${count === 1 ? 'was' : 'were'} given.`,
        hint: `Call it as ${definition.usage}.`,
        offset: node.offset,
        length: node.length,
      });
    }
  }

  private expect(kind: TokenKind, description: string): Token | undefined {
    const token = this.peek();
    if (token.kind === kind) return this.next();
    this.unexpected(token, description);
    return undefined;
  }

  private unexpected(token: Token, expected: string): void {
    if (token.kind === 'operator') return; // The lexer reported it with a better hint.
    if (token.kind === 'end') {
      this.errors.push({
        code: ExpressionErrorCode.UnexpectedEnd,
        message: `The expression ends where ${expected} is expected.`,
        hint: 'Complete the expression; check for a missing closing bracket or parenthesis.',
        offset: token.offset,
      });
      return;
    }
    this.errors.push({
      code: ExpressionErrorCode.UnexpectedToken,
      message: `Unexpected '${token.text}'; expected ${expected}.`,
      hint: 'Check the brackets, commas and quotes around this position.',
      offset: token.offset,
      length: Math.max(token.text.length, 1),
    });
  }

  /** Skips tokens until one of `kinds` at the current nesting level; optionally consumes it. */
  private skipTo(kinds: TokenKind[], consume = false): void {
    let nesting = 0;
    for (;;) {
      const token = this.peek();
      if (token.kind === 'end') return;
      if (nesting === 0 && kinds.includes(token.kind)) {
        if (consume) this.next();
        return;
      }
      if (token.kind === 'leftParen' || token.kind === 'leftBracket') nesting += 1;
      if ((token.kind === 'rightParen' || token.kind === 'rightBracket') && nesting > 0) nesting -= 1;
      this.next();
    }
  }

  private peek(): Token {
    return this.tokens[this.position]!;
  }

  private next(): Token {
    const token = this.tokens[this.position]!;
    if (token.kind !== 'end') this.position += 1;
    return token;
  }
}
