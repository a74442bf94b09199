import type { Diagnostic, DiagnosticBag } from '../diagnostic.js';
import type { ExpressionNode } from '../expressions/expression-ast.js';
import type { ExpressionContext, ExpressionObject, ExpressionValue } from '../expressions/expression-context.js';
import { evaluateExpression } from '../expressions/evaluate-expression.js';
import { parseExpression } from '../expressions/parse-expression.js';
import type { SourceLocation } from '../source-location.js';
import type { YamlNode, YamlScalar } from '../yaml/yaml-node.js';

/**
 * The YAML origin of an expression's value: the `parameters` object, a node,
 * or the key/value pair of an `each` over a mapping. Inserting the value then
 * keeps the original nodes and their locations.
 */
export type NodeView =
  | { kind: 'parameters' }
  | { kind: 'node'; node: YamlNode }
  | { kind: 'pair'; key: YamlScalar; value: YamlNode };

/** The names visible to template expressions in one file while it is expanded. */
export interface TemplateScope {
  /** The diagnostic name of the file whose nodes are being expanded. */
  file: string;
  /** The `template:` reference that included the file; undefined for the pipeline file. */
  includedFrom?: SourceLocation;
  parameters: ExpressionObject;
  /** The node of each parameter's value, by lower-case name. */
  parameterNodes: Map<string, YamlNode>;
  /** Statically defined and predefined variables, as strings. */
  variables: ExpressionObject;
  /** `each` loop variables. */
  locals: ExpressionObject;
  localViews: Map<string, NodeView>;
  /** Files being expanded, outermost first, to detect recursion. */
  chain: string[];
}

/** Returns the location with the scope's include chain attached. */
export function relocate(scope: TemplateScope, location: SourceLocation): SourceLocation {
  return scope.includedFrom ? { ...location, includedFrom: scope.includedFrom } : location;
}

/** The value of an evaluated expression and, when known, the node it came from. */
export type EvaluationResult = { ok: true; value: ExpressionValue; view?: NodeView } | { ok: false };

/**
 * Parses and evaluates template expressions for the expander, reporting
 * problems into the bag. Parsed trees are cached by text, because `each`
 * loops evaluate the same text many times.
 */
export class TemplateExpressionRunner {
  private readonly parsed = new Map<string, ExpressionNode | null>();

  constructor(private readonly bag: DiagnosticBag) {}

  /** Evaluates the inner text of one `${{ }}`; `location` is where that text starts. */
  evaluate(text: string, scope: TemplateScope, location: SourceLocation): EvaluationResult {
    const ast = this.parse(text, location);
    if (!ast) return { ok: false };

    const context: ExpressionContext = {
      mode: 'template',
      namedValues: { ...scope.locals, parameters: scope.parameters, variables: scope.variables },
      location,
    };

    let value: ExpressionValue;
    try {
      value = evaluateExpression(ast, context);
    } catch (error) {
      this.reportEvaluationError(error, text, location);
      return { ok: false };
    }
    return { ok: true, value, view: resolveView(ast, scope) };
  }

  private parse(text: string, location: SourceLocation): ExpressionNode | undefined {
    const cached = this.parsed.get(text);
    if (cached === null) {
      // The text was invalid before; report it again at this place.
      const { diagnostics } = parseExpression(text, { location });
      this.bag.addAll(diagnostics);
      return undefined;
    }
    if (cached) return cached;

    const { ast, diagnostics } = parseExpression(text, { location });
    this.bag.addAll(diagnostics);
    this.parsed.set(text, ast && diagnostics.length === 0 ? ast : null);
    return diagnostics.length === 0 ? ast : undefined;
  }

  private reportEvaluationError(error: unknown, text: string, location: SourceLocation): void {
    const carried = diagnosticsOf(error);
    if (carried.length > 0) {
      for (const diagnostic of carried) this.bag.add({ ...diagnostic, location: diagnostic.location ?? location });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    this.bag.error('TPL008', `template expression "${text.trim()}" failed to evaluate: ${message}`, location, 'Check the functions and names the expression uses.');
  }
}

/** Returns the diagnostics an ExpressionError carries, whichever module defined the class. */
function diagnosticsOf(error: unknown): Diagnostic[] {
  if (typeof error !== 'object' || error === null) return [];
  const candidate = error as { diagnostics?: unknown; diagnostic?: unknown };
  if (Array.isArray(candidate.diagnostics)) return candidate.diagnostics as Diagnostic[];
  if (candidate.diagnostic && typeof candidate.diagnostic === 'object') return [candidate.diagnostic as Diagnostic];
  return [];
}

/**
 * Follows a plain reference (`parameters.steps`, `stage.jobs[0]`, `pair.value`)
 * through the YAML nodes. Returns undefined for anything computed by a function.
 */
export function resolveView(ast: ExpressionNode, scope: TemplateScope): NodeView | undefined {
  switch (ast.kind) {
    case 'namedValue': {
      const name = ast.name.toLowerCase();
      if (name === 'parameters') return { kind: 'parameters' };
      return scope.localViews.get(name);
    }
    case 'property': {
      const target = resolveView(ast.target, scope);
      return target ? childView(target, ast.name, scope) : undefined;
    }
    case 'index': {
      if (ast.index.kind !== 'literal') return undefined;
      const key = ast.index.value;
      if (typeof key !== 'string' && typeof key !== 'number') return undefined;
      const target = resolveView(ast.target, scope);
      return target ? childView(target, key, scope) : undefined;
    }
    default:
      return undefined;
  }
}

function childView(view: NodeView, key: string | number, scope: TemplateScope): NodeView | undefined {
  if (view.kind === 'parameters') {
    const node = scope.parameterNodes.get(String(key).toLowerCase());
    return node ? { kind: 'node', node } : undefined;
  }

  if (view.kind === 'pair') {
    const name = String(key).toLowerCase();
    if (name === 'key') return { kind: 'node', node: view.key };
    if (name === 'value') return { kind: 'node', node: view.value };
    return undefined;
  }

  const node = view.node;
  if (node.kind === 'sequence') {
    const index = typeof key === 'number' ? key : Number(key);
    const item = Number.isInteger(index) ? node.items[index] : undefined;
    return item ? { kind: 'node', node: item } : undefined;
  }
  if (node.kind === 'mapping') {
    const name = String(key).toLowerCase();
    // The last duplicate wins, matching the object value passed to the evaluator.
    const entry = [...node.entries].reverse().find((candidate) => candidate.key.text.toLowerCase() === name);
    return entry ? { kind: 'node', node: entry.value } : undefined;
  }
  return undefined;
}
