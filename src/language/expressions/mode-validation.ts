import type { ExpressionNode } from './expression-ast.js';
import type { ExpressionContext } from './expression-context.js';
import type { ExpressionDiagnosticInput } from './expression-diagnostic.js';
import { ExpressionErrorCode } from './expression-error-codes.js';
import { lookupFunction } from './functions/function-registry.js';
import { findKey, STANDARD_NAMED_VALUES, standardNamedValue } from './named-values.js';

const MODE_SYNTAX = { template: '${{ }}', runtime: '$[ ]', condition: 'condition:' } as const;

/**
 * Checks, before any evaluation, that every function and named value in the
 * tree is allowed in the context's mode, so that short-circuiting cannot hide
 * a misplaced `succeeded()` or `parameters`. Returns the problems in text order.
 */
export function validateForMode(ast: ExpressionNode, context: ExpressionContext): ExpressionDiagnosticInput[] {
  const problems: ExpressionDiagnosticInput[] = [];
  visit(ast, context, problems);
  return problems.sort((a, b) => a.offset - b.offset);
}

function visit(node: ExpressionNode, context: ExpressionContext, problems: ExpressionDiagnosticInput[]): void {
  switch (node.kind) {
    case 'literal':
      return;
    case 'namedValue':
      checkNamedValue(node.name, node.offset, context, problems);
      return;
    case 'property':
    case 'filter':
      visit(node.target, context, problems);
      return;
    case 'index':
      visit(node.target, context, problems);
      visit(node.index, context, problems);
      return;
    case 'call': {
      const definition = lookupFunction(node.name);
      if (definition?.modes && !definition.modes.includes(context.mode)) {
        problems.push({
          code: ExpressionErrorCode.FunctionNotAllowed,
          message: `'${definition.name}' cannot be used in a ${MODE_SYNTAX[context.mode]} expression: ${definition.modeRule ?? 'it is not allowed here'}.`,
          hint: `Use it only in ${definition.modes.map((mode) => MODE_SYNTAX[mode]).join(' or ')} expressions.`,
          offset: node.offset,
          length: node.name.length,
        });
      }
      for (const argument of node.args) visit(argument, context, problems);
      return;
    }
  }
}

function checkNamedValue(
  name: string,
  offset: number,
  context: ExpressionContext,
  problems: ExpressionDiagnosticInput[],
): void {
  const standard = standardNamedValue(name);
  if (standard !== undefined) {
    const modes = STANDARD_NAMED_VALUES[standard]!;
    if (modes.includes(context.mode)) return;
    problems.push({
      code: ExpressionErrorCode.NamedValueNotAllowed,
      message: `'${standard}' is not available in a ${MODE_SYNTAX[context.mode]} expression.`,
      hint:
        standard === 'parameters'
          ? 'Parameters exist only at compile time: use ${{ parameters.name }}.'
          : `'${standard}' exists only at run time: use it in $[ ] or in a condition.`,
      offset,
      length: name.length,
    });
    return;
  }

  if (findKey(context.namedValues, name) !== undefined) return;
  problems.push({
    code: ExpressionErrorCode.UnknownNamedValue,
    message: `Unrecognized value '${name}'.`,
    hint: "Use one of variables, parameters, dependencies, stageDependencies, pipeline or resources, quote text as a string ('text'), or call a function with ().",
    offset,
    length: name.length,
  });
}
