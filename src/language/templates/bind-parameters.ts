import type { DiagnosticBag } from '../diagnostic.js';
import type { ExpressionObject } from '../expressions/expression-context.js';
import type { SourceLocation } from '../source-location.js';
import type { YamlMappingEntry, YamlNode } from '../yaml/yaml-node.js';
import type { TemplateExpander } from './template-expander.js';
import { checkParameterValue, describeNode, isAllowedValue, listKindOfType, type ParameterDeclaration } from './template-parameters.js';
import { relocate, type TemplateScope } from './template-scope.js';
import { nodeToValue } from './template-values.js';

/** The `parameters:` mapping of a reference; `finished` when it is already evaluated. */
export interface PassedParameters {
  node: YamlNode;
  finished: boolean;
}

/** Inputs of {@link bindParameters}. */
export interface BindRequest {
  bag: DiagnosticBag;
  expander: TemplateExpander;
  declarations: ParameterDeclaration[];
  /** True for the legacy mapping form, whose templates accept undeclared parameters. */
  legacy: boolean;
  passed?: PassedParameters;
  callerScope: TemplateScope;
  templateName: string;
  referenceLocation: SourceLocation;
}

/** Parameter values by declared name, and the node of each value by lower-case name. */
export interface BoundParameters {
  values: ExpressionObject;
  nodes: Map<string, YamlNode>;
}

/**
 * Gives each declared parameter of a template its value: the one passed by the
 * reference (evaluated in the caller's scope, its own templates expanded) or
 * the default. Unknown names, wrong types, values outside `values` and missing
 * required parameters are errors (learn.microsoft.com …/process/template-parameters).
 */
export async function bindParameters(request: BindRequest): Promise<BoundParameters> {
  const { bag, declarations, templateName } = request;
  const bound: BoundParameters = { values: {}, nodes: new Map() };
  const given = new Set<string>();

  for (const entry of await passedEntries(request)) {
    const declaration = declarations.find((candidate) => candidate.name.toLowerCase() === entry.key.text.toLowerCase());
    if (!declaration && request.legacy) {
      bound.values[entry.key.text] = nodeToValue(entry.value);
      bound.nodes.set(entry.key.text.toLowerCase(), entry.value);
      continue;
    }
    if (!declaration) {
      const declared = declarations.map((candidate) => candidate.name);
      const hint = declared.length > 0 ? `Declared parameters: ${declared.join(', ')}.` : 'The template declares no parameters; remove "parameters:" from the reference or declare them in the template.';
      bag.error('TPL016', `template "${templateName}" has no parameter "${entry.key.text}"`, entry.key.location, hint);
      continue;
    }

    given.add(declaration.name.toLowerCase());
    const listKind = listKindOfType(declaration.type);
    const value = listKind ? await request.expander.finishNode(entry.value, request.callerScope, listKind) : entry.value;
    bindOne(declaration, value, bound, bag, `template "${templateName}"`);
  }

  for (const declaration of declarations) {
    if (given.has(declaration.name.toLowerCase())) continue;
    if (declaration.default === undefined) {
      bag.error(
        'TPL018',
        `template "${templateName}" requires parameter "${declaration.name}", but the reference does not pass it`,
        request.referenceLocation,
        `Pass "${declaration.name}" under "parameters:", or give it a "default:" in the template.`,
      );
      continue;
    }
    const value = copyWithIncludedFrom(declaration.default, request.referenceLocation);
    bindOne(declaration, value, bound, bag, `template "${templateName}"`);
  }

  return bound;
}

/** Checks and records one value; `owner` names the template or pipeline in messages. */
export function bindOne(declaration: ParameterDeclaration, node: YamlNode, bound: BoundParameters, bag: DiagnosticBag, owner: string): boolean {
  const check = checkParameterValue(declaration, node);
  if (!check.ok) {
    bag.error(
      'TPL015',
      `parameter "${declaration.name}" of ${owner} has type ${declaration.type} and expects ${check.problem}, but the value given is ${describeNode(node)}`,
      node.location,
      `Pass a value of type ${declaration.type}, or change the declared type.`,
    );
    return false;
  }
  if (!isAllowedValue(declaration, check.node)) {
    const allowed = (declaration.values ?? []).map((value) => value.text).join(', ');
    bag.error('TPL017', `value ${describeNode(check.node)} is not allowed for parameter "${declaration.name}" of ${owner}`, node.location, `Use one of: ${allowed}.`);
    return false;
  }

  bound.values[declaration.name] = check.value;
  bound.nodes.set(declaration.name.toLowerCase(), check.node);
  return true;
}

async function passedEntries(request: BindRequest): Promise<YamlMappingEntry[]> {
  const passed = request.passed;
  if (!passed) return [];

  const location = passed.finished ? passed.node.location : relocate(request.callerScope, passed.node.location);
  if (passed.node.kind !== 'mapping') {
    request.bag.error('TPL019', `"parameters" of a template reference must be a mapping of names to values, not a ${passed.node.kind}`, location, 'Write each parameter as "name: value" under "parameters:".');
    return [];
  }
  if (passed.finished) return passed.node.entries;

  const entries: YamlMappingEntry[] = [];
  await request.expander.expandMappingInto(passed.node, request.callerScope, entries, 'evaluate');
  return entries;
}

/** Copies a template's own node (a default) so every location carries the include chain. */
export function copyWithIncludedFrom(node: YamlNode, includedFrom: SourceLocation): YamlNode {
  const location = { ...node.location, includedFrom };
  if (node.kind === 'scalar') return { ...node, location };
  if (node.kind === 'sequence') return { ...node, items: node.items.map((item) => copyWithIncludedFrom(item, includedFrom)), location };
  const entries = node.entries.map((entry) => ({
    key: { ...entry.key, location: { ...entry.key.location, includedFrom } },
    value: copyWithIncludedFrom(entry.value, includedFrom),
  }));
  return { ...node, entries, location };
}
