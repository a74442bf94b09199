import type { DiagnosticBag } from '../diagnostic.js';
import type { ExpressionValue } from '../expressions/expression-context.js';
import { castToString } from '../expressions/type-conversion.js';
import type { SourceLocation } from '../source-location.js';
import type { YamlMapping, YamlMappingEntry, YamlNode, YamlScalar, YamlSequence } from '../yaml/yaml-node.js';
import { MAX_EXPANDED_NODES } from './template-limits.js';
import { hasTemplateExpression, locateInScalar, parseDirective, splitTemplateText, wholeExpression, type TemplateDirective } from './template-text.js';
import { relocate, type NodeView, type TemplateExpressionRunner, type TemplateScope } from './template-scope.js';
import { countNodes, nodeMatchesValue, stringNode, valueToNode } from './template-values.js';
import { variablesOf } from './template-variables.js';
import { describeValue, eachIterations } from './each-iterations.js';

/** The kind of list a `- template:` item is in, named after the key of that list. */
export type ListKind = 'steps' | 'jobs' | 'stages' | 'variables';

const LIST_KEYS: Record<string, ListKind> = { steps: 'steps', jobs: 'jobs', stages: 'stages', variables: 'variables' };

/** Returns the list kind of the value under `key`, if that value may hold template references. */
export function listKindOfKey(key: string): ListKind | undefined {
  return Object.hasOwn(LIST_KEYS, key) ? LIST_KEYS[key] : undefined;
}

/** Expands a `- template:` item into `out`; implemented by template-references.ts. */
export type ReferenceExpander = (
  item: YamlMapping,
  scope: TemplateScope,
  listKind: ListKind,
  finished: boolean,
  out: YamlNode[],
) => Promise<void>;

/**
 * The way a mapping is expanded. `evaluate` is the usual case. `copy` (the
 * pipeline file) and `skip` (template files) keep or drop the `parameters:` key
 * of declarations without evaluating it. `variables` is a mapping-form
 * variables block, where each variable is visible to the entries after it.
 */
export type MappingMode = 'evaluate' | 'copy' | 'skip' | 'variables';

/** State of an `if` / `elseif` / `else` chain among sibling keys or items. */
type ChainState = 'none' | 'taken' | 'open';

/**
 * NOTE: this file is longer than most because expanding values, mappings,
 * sequences and directives is one mutual recursion sharing the budget state.
 *
 * Walks a YAML tree and applies template syntax: `${{ }}` in values and keys,
 * `if`/`elseif`/`else`, `each`, `insert`, sequence flattening, and template
 * references (through `expandReference`). Nodes read from a file are "raw";
 * nodes that are results of expressions or parameter values are "finished".
 * Expansion never evaluates the text of finished nodes again, so `${{ 'x${{' }}`
 * stays escaped; only their template references are expanded.
 */
export class TemplateExpander {
  private nodeCount = 0;
  private budgetReported = false;
  expandReference: ReferenceExpander = async () => undefined;

  constructor(
    private readonly bag: DiagnosticBag,
    private readonly runner: TemplateExpressionRunner,
  ) {}

  /** Reports whether the expanded-size budget ran out; expansion then stops. */
  get exhausted(): boolean {
    return this.budgetReported;
  }

  /** Expands a raw node in a value position; `listKind` applies when it is a sequence. */
  async expandNode(node: YamlNode, scope: TemplateScope, listKind?: ListKind): Promise<YamlNode | undefined> {
    if (!this.spend(1, node.location, scope)) return undefined;

    if (node.kind === 'scalar') return this.expandScalar(node, scope, listKind);

    if (node.kind === 'sequence') {
      const items: YamlNode[] = [];
      await this.expandSequenceInto(node.items, scope, listKind, items);
      const sequence: YamlSequence = { kind: 'sequence', items, location: relocate(scope, node.location) };
      return sequence;
    }

    const entries: YamlMappingEntry[] = [];
    await this.expandMappingInto(node, scope, entries, listKind === 'variables' ? 'variables' : 'evaluate');
    const mapping: YamlMapping = { kind: 'mapping', entries, location: relocate(scope, node.location) };
    return mapping;
  }

  /**
   * Expands the entries of a raw mapping into `out`, handling directive keys.
   * Returns the scope after the mapping's `variables:`, which later siblings see.
   */
  async expandMappingInto(mapping: YamlMapping, scope: TemplateScope, out: YamlMappingEntry[], mode: MappingMode): Promise<TemplateScope> {
    let current = scope;
    let chain: ChainState = 'none';
    const bodyMode: MappingMode = mode === 'variables' ? 'variables' : 'evaluate';
    // loadYaml reports a key repeated as written (YAML003). The repeat is dropped here, so it is not reported again as TPL026.
    const writtenKeys = new Set<string>();

    for (const entry of mapping.entries) {
      if (this.exhausted) return current;
      if (!entry.key.text.trimStart().startsWith('${{')) {
        if (writtenKeys.has(entry.key.text)) continue;
        writtenKeys.add(entry.key.text);
      }

      const directive = hasTemplateExpression(entry.key.text) ? parseDirective(entry.key.text) : undefined;
      if (directive) {
        const result = await this.applyDirective(directive, entry, current, chain, (body, bodyScope) => this.expandMappingBody(body, bodyScope, out, bodyMode));
        chain = result.chain;
        if (result.scope) current = result.scope;
        continue;
      }
      chain = 'none';

      if (entry.key.text === 'parameters' && (mode === 'copy' || mode === 'skip')) {
        if (mode === 'copy') this.addEntry(out, { key: this.copyScalar(entry.key, current), value: this.copyTree(entry.value, current) });
        continue;
      }

      const key = this.expandKey(entry.key, current);
      if (!key) continue;
      const value = await this.expandNode(entry.value, current, listKindOfKey(key.text));
      if (!value) continue;
      this.addEntry(out, { key, value });

      if (key.text === 'variables') current = withVariables(current, variablesOf(value));
      if (mode === 'variables' && value.kind === 'scalar') current = withVariables(current, { [key.text]: value.text });
    }
    return current;
  }

  /**
   * Expands raw sequence items into `out`, splicing directive bodies, flattened
   * values and templates. In a variables list each variable is visible to the
   * items after it, so the scope after the last item is returned.
   */
  async expandSequenceInto(items: YamlNode[], scope: TemplateScope, listKind: ListKind | undefined, out: YamlNode[]): Promise<TemplateScope> {
    let chain: ChainState = 'none';
    let current = scope;

    for (const item of items) {
      if (this.exhausted) return current;
      const before = out.length;
      ({ scope: current, chain } = await this.expandSequenceItem(item, current, listKind, out, chain));
      if (listKind === 'variables') current = withVariables(current, variablesOf({ kind: 'sequence', items: out.slice(before), location: item.location }));
    }
    return current;
  }

  /**
   * Expands one sequence item; returns the scope and if-chain state for the next
   * item. In an item whose keys are all directives, a directive body that is a
   * sequence is spliced into the list, and bodies that are mappings are merged
   * into one item, so `- ${{ each pair in step }}:` rebuilds one step from its pairs.
   * NOTE: Azure's docs show both forms but do not state this merge rule.
   */
  private async expandSequenceItem(
    item: YamlNode,
    scope: TemplateScope,
    listKind: ListKind | undefined,
    out: YamlNode[],
    chain: ChainState,
  ): Promise<{ scope: TemplateScope; chain: ChainState }> {
    if (item.kind === 'mapping' && item.entries.length > 0 && item.entries.every((entry) => isDirectiveKey(entry.key.text))) {
      let current = scope;
      let state = chain;
      const merged: YamlMappingEntry[] = [];
      for (const entry of item.entries) {
        const directive = parseDirective(entry.key.text) as TemplateDirective;
        const result = await this.applyDirective(directive, entry, current, state, (body, bodyScope) => this.expandSequenceBody(body, bodyScope, listKind, out, merged));
        state = result.chain;
        // Variables defined in a taken branch stay visible after it.
        if (result.scope) current = result.scope;
      }

      if (merged.length > 0) {
        const location = relocate(scope, item.location);
        const mapping: YamlMapping = { kind: 'mapping', entries: merged, location };
        const finished = await this.finishNode({ kind: 'sequence', items: [mapping], location }, scope, listKind);
        if (finished.kind === 'sequence') out.push(...finished.items);
      }
      return { scope: current, chain: state };
    }

    if (item.kind === 'scalar') {
      await this.expandSequenceScalar(item, scope, listKind, out);
    } else if (listKind && item.kind === 'mapping' && item.entries.some((entry) => entry.key.text === 'template')) {
      await this.expandReference(item, scope, listKind, false, out);
    } else {
      const expanded = await this.expandNode(item, scope);
      if (expanded) out.push(expanded);
    }
    return { scope, chain: 'none' };
  }

  /**
   * Walks a finished node (a parameter value or an expression's result) and
   * expands the template references in its lists. Returns the node itself when
   * nothing changed.
   */
  async finishNode(node: YamlNode, scope: TemplateScope, listKind?: ListKind): Promise<YamlNode> {
    if (node.kind === 'scalar') return node;

    if (node.kind === 'mapping') {
      let changed = false;
      const entries: YamlMappingEntry[] = [];
      for (const entry of node.entries) {
        const value = await this.finishNode(entry.value, scope, listKindOfKey(entry.key.text));
        changed ||= value !== entry.value;
        entries.push(value === entry.value ? entry : { key: entry.key, value });
      }
      return changed ? { ...node, entries } : node;
    }

    let changed = false;
    const items: YamlNode[] = [];
    for (const item of node.items) {
      if (listKind && item.kind === 'mapping' && item.entries.some((entry) => entry.key.text === 'template')) {
        changed = true;
        await this.expandReference(item, scope, listKind, true, items);
        continue;
      }
      const finished = await this.finishNode(item, scope);
      changed ||= finished !== item;
      items.push(finished);
    }
    return changed ? { ...node, items } : node;
  }

  /** Copies a raw subtree without evaluating it, adding the include chain to every location. */
  copyTree(node: YamlNode, scope: TemplateScope): YamlNode {
    if (!scope.includedFrom) return node;
    if (node.kind === 'scalar') return this.copyScalar(node, scope);
    if (node.kind === 'sequence') return { ...node, items: node.items.map((item) => this.copyTree(item, scope)), location: relocate(scope, node.location) };
    const entries = node.entries.map((entry) => ({ key: this.copyScalar(entry.key, scope), value: this.copyTree(entry.value, scope) }));
    return { ...node, entries, location: relocate(scope, node.location) };
  }

  /** Evaluates the text of a raw scalar to a string, as a template path is. */
  expandText(scalar: YamlScalar, scope: TemplateScope): string | undefined {
    const result = this.expandScalarValue(scalar, scope);
    if (!result) return undefined;
    if (result.node.kind !== 'scalar') {
      this.bag.error('TPL024', `expression "${scalar.text}" produced a ${result.node.kind} where text is expected`, relocate(scope, scalar.location), 'Make the expression produce a string.');
      return undefined;
    }
    return result.node.text;
  }

  private copyScalar(scalar: YamlScalar, scope: TemplateScope): YamlScalar {
    return scope.includedFrom ? { ...scalar, location: relocate(scope, scalar.location) } : scalar;
  }

  private async expandScalar(scalar: YamlScalar, scope: TemplateScope, listKind?: ListKind): Promise<YamlNode | undefined> {
    const result = this.expandScalarValue(scalar, scope);
    if (!result) return undefined;
    if (!result.inserted) return result.node;
    return this.finishNode(result.node, scope, listKind);
  }

  /** Expands a sequence item that is a scalar; a whole-expression sequence is flattened into the list. */
  private async expandSequenceScalar(scalar: YamlScalar, scope: TemplateScope, listKind: ListKind | undefined, out: YamlNode[]): Promise<void> {
    const result = this.expandScalarValue(scalar, scope);
    if (!result) return;

    // learn.microsoft.com …/process/template-expressions, "Insertion": a sequence inserted into a sequence is flattened.
    if (result.inserted && result.node.kind === 'sequence') {
      const finished = await this.finishNode(result.node, scope, listKind);
      if (finished.kind === 'sequence') out.push(...finished.items);
      return;
    }
    out.push(result.inserted ? await this.finishNode(result.node, scope, listKind) : result.node);
  }

  /**
   * Evaluates the expressions of a raw scalar. A scalar that is one whole
   * expression takes the type of its value (`inserted` is then true);
   * expressions inside longer text are converted to strings.
   */
  private expandScalarValue(scalar: YamlScalar, scope: TemplateScope): { node: YamlNode; inserted: boolean } | undefined {
    const location = relocate(scope, scalar.location);
    if (!hasTemplateExpression(scalar.text)) return { node: this.copyScalar(scalar, scope), inserted: false };

    const split = splitTemplateText(scalar.text);
    if (split.unclosedAt !== undefined) {
      this.bag.error('TPL009', `template expression in "${scalar.text}" has no closing "}}"`, locateInScalar(scalar, location, split.unclosedAt), 'Close the expression with "}}". To write "${{" as text, use ${{ \'${{\' }}.');
      return undefined;
    }

    const whole = wholeExpression(split);
    if (whole) {
      const result = this.runner.evaluate(whole.text, scope, locateInScalar(scalar, location, whole.offset));
      if (!result.ok) return undefined;
      const node = this.insertValue(result.value, result.view, location);
      return node ? { node, inserted: true } : undefined;
    }

    let text = '';
    for (const segment of split.segments) {
      if (segment.kind === 'text') {
        text += segment.text;
        continue;
      }
      const segmentLocation = locateInScalar(scalar, location, segment.offset);
      const result = this.runner.evaluate(segment.text, scope, segmentLocation);
      if (!result.ok) return undefined;
      if (result.value !== null && typeof result.value === 'object' && (Array.isArray(result.value) || result.value.constructor === Object)) {
        this.bag.error(
          'TPL025',
          `expression "${segment.text.trim()}" produced a ${Array.isArray(result.value) ? 'sequence' : 'mapping'}, which cannot be part of the text "${scalar.text}"`,
          segmentLocation,
          'Make the expression the whole value, or pick one field of it; convertToJson() turns it into text.',
        );
        return undefined;
      }
      text += castToString(result.value);
    }
    const node: YamlScalar = { ...scalar, text, tag: 'str', style: scalar.style === 'plain' && text.includes('\n') ? 'literal' : scalar.style, location };
    return { node, inserted: false };
  }

  /** Turns an expression's value into a node, reusing the YAML node it came from when there is one. */
  private insertValue(value: ExpressionValue, view: NodeView | undefined, location: SourceLocation): YamlNode | undefined {
    const node = view?.kind === 'node' && nodeMatchesValue(view.node, value) ? view.node : valueToNode(value, location);
    return this.spend(countNodes(node), location) ? node : undefined;
  }

  private expandKey(key: YamlScalar, scope: TemplateScope): YamlScalar | undefined {
    const result = this.expandScalarValue(key, scope);
    if (!result) return undefined;
    if (result.node.kind !== 'scalar') {
      this.bag.error('TPL024', `key "${key.text}" produced a ${result.node.kind}, but a key must be a single value`, relocate(scope, key.location), 'Make the key expression produce a string, such as ${{ pair.key }}.');
      return undefined;
    }
    if (!result.inserted) return result.node;
    return { ...stringNode(result.node.text, relocate(scope, key.location)), style: 'plain' };
  }

  /**
   * Applies one directive key. `apply` receives the body to expand and the
   * scope to expand it in (the loop scope for `each`).
   */
  private async applyDirective(
    directive: TemplateDirective,
    entry: YamlMappingEntry,
    scope: TemplateScope,
    chain: ChainState,
    apply: (body: YamlNode, bodyScope: TemplateScope) => Promise<TemplateScope | void>,
  ): Promise<{ chain: ChainState; scope?: TemplateScope }> {
    const keyLocation = relocate(scope, entry.key.location);

    switch (directive.kind) {
      case 'invalid':
        this.bag.error('TPL013', `invalid template directive "${entry.key.text}": ${directive.message}`, keyLocation, 'Write it as ${{ if cond }}, ${{ elseif cond }}, ${{ else }}, ${{ each x in list }} or ${{ insert }}.');
        return { chain: 'none' };

      case 'if':
      case 'elseif': {
        if (directive.kind === 'elseif' && chain === 'none') {
          this.reportOrphan('elseif', entry, keyLocation);
          return { chain: 'none' };
        }
        // A new `if` starts a new chain; only an `elseif` is skipped after a taken branch.
        if (directive.kind === 'elseif' && chain === 'taken') return { chain: 'taken' };

        const result = this.runner.evaluate(directive.condition, scope, locateInScalar(entry.key, keyLocation, directive.offset));
        if (!result.ok) return { chain: 'taken' };
        if (!isTruthy(result.value)) return { chain: 'open' };
        const after = await apply(entry.value, scope);
        return { chain: 'taken', scope: after ?? undefined };
      }

      case 'else': {
        if (chain === 'none') {
          this.reportOrphan('else', entry, keyLocation);
          return { chain: 'none' };
        }
        if (chain === 'taken') return { chain: 'none' };
        const after = await apply(entry.value, scope);
        return { chain: 'none', scope: after ?? undefined };
      }

      case 'each':
        await this.applyEach(directive, entry, scope, keyLocation, apply);
        return { chain: 'none' };

      case 'insert': {
        const after = await apply(entry.value, scope);
        return { chain: 'none', scope: after ?? undefined };
      }
    }
  }

  private reportOrphan(keyword: string, entry: YamlMappingEntry, location: SourceLocation): void {
    this.bag.error('TPL010', `"${entry.key.text}" has no \${{ if }} right before it`, location, `Put the ${keyword} directly after an \${{ if }} or \${{ elseif }} at the same level.`);
  }

  private async applyEach(
    directive: Extract<TemplateDirective, { kind: 'each' }>,
    entry: YamlMappingEntry,
    scope: TemplateScope,
    keyLocation: SourceLocation,
    apply: (body: YamlNode, bodyScope: TemplateScope) => Promise<TemplateScope | void>,
  ): Promise<void> {
    const result = this.runner.evaluate(directive.collection, scope, locateInScalar(entry.key, keyLocation, directive.offset));
    if (!result.ok) return;

    const iterations = eachIterations(result.value, result.view, scope);
    if (!iterations) {
      this.bag.error(
        'TPL011',
        `"each" needs a sequence or a mapping, but "${directive.collection.trim()}" is ${describeValue(result.value)}`,
        keyLocation,
        'Loop over a parameter of type object, a stepList/jobList/stageList, or a mapping.',
      );
      return;
    }

    const name = directive.variable.toLowerCase();
    for (const iteration of iterations) {
      if (this.exhausted) return;
      const localViews = new Map(scope.localViews);
      if (iteration.view) localViews.set(name, iteration.view);
      else localViews.delete(name);
      const loopScope: TemplateScope = { ...scope, locals: { ...scope.locals, [directive.variable]: iteration.value }, localViews };
      await apply(entry.value, loopScope);
    }
  }

  private async expandMappingBody(body: YamlNode, scope: TemplateScope, out: YamlMappingEntry[], mode: MappingMode): Promise<TemplateScope | void> {
    if (body.kind === 'scalar' && body.tag === 'null') return;
    if (body.kind === 'mapping') return this.expandMappingInto(body, scope, out, mode);

    if (body.kind === 'scalar' && hasTemplateExpression(body.text)) {
      // `${{ insert }}: ${{ parameters.obj }}` and directive bodies that are one expression.
      const value = await this.expandNode(body, scope);
      if (!value || (value.kind === 'scalar' && value.tag === 'null')) return;
      if (value.kind === 'mapping') {
        for (const entry of value.entries) this.addEntry(out, entry);
        return;
      }
      this.bag.error('TPL012', `"${body.text}" produced a ${value.kind}, but only a mapping can be inserted into a mapping`, relocate(scope, body.location), 'Insert a parameter of type object whose value is a mapping.');
      return;
    }

    this.bag.error('TPL013', `a directive inside a mapping must contain key/value pairs, but this is a ${body.kind}`, relocate(scope, body.location), 'Indent "key: value" lines under the directive, or move the directive into a list.');
  }

  private async expandSequenceBody(
    body: YamlNode,
    scope: TemplateScope,
    listKind: ListKind | undefined,
    out: YamlNode[],
    merged: YamlMappingEntry[],
  ): Promise<TemplateScope | void> {
    if (body.kind === 'scalar' && body.tag === 'null') return;
    if (body.kind === 'sequence') return this.expandSequenceInto(body.items, scope, listKind, out);
    if (body.kind === 'mapping') return this.expandMappingInto(body, scope, merged, 'evaluate');

    const result = this.expandScalarValue(body, scope);
    if (!result) return;
    if (result.inserted && result.node.kind === 'mapping') {
      for (const entry of result.node.entries) this.addEntry(merged, entry);
      return;
    }
    if (result.inserted && result.node.kind === 'scalar' && result.node.tag === 'null') return;
    if (!result.inserted) {
      out.push(result.node);
      return;
    }

    const finished = await this.finishNode(result.node, scope, listKind);
    if (finished.kind === 'sequence') out.push(...finished.items);
    else out.push(finished);
  }

  private addEntry(out: YamlMappingEntry[], entry: YamlMappingEntry): void {
    const existing = out.find((candidate) => candidate.key.text === entry.key.text);
    if (existing) {
      this.bag.error(
        'TPL026',
        `key "${entry.key.text}" is defined twice after template expansion (first at ${existing.key.location.file}:${existing.key.location.line})`,
        entry.key.location,
        'Make the conditions exclusive, or remove one of the two definitions.',
      );
      return;
    }
    out.push(entry);
  }

  /** Counts nodes against MAX_EXPANDED_NODES; returns false once the budget is spent. */
  private spend(count: number, location: SourceLocation, scope?: TemplateScope): boolean {
    if (this.budgetReported) return false;
    this.nodeCount += count;
    if (this.nodeCount <= MAX_EXPANDED_NODES) return true;

    this.budgetReported = true;
    this.bag.error(
      'TPL007',
      `the expanded pipeline has more than ${MAX_EXPANDED_NODES} YAML nodes; expansion stopped here`,
      scope ? relocate(scope, location) : location,
      'Check "each" loops and repeated insertion of large parameters.',
    );
    return false;
  }
}

function withVariables(scope: TemplateScope, variables: Record<string, string | ExpressionValue>): TemplateScope {
  if (Object.keys(variables).length === 0) return scope;
  return { ...scope, variables: { ...scope.variables, ...variables } };
}

function isDirectiveKey(text: string): boolean {
  return hasTemplateExpression(text) && parseDirective(text) !== undefined;
}

function isTruthy(value: ExpressionValue): boolean {
  if (value === null) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'number') return value !== 0;
  if (typeof value === 'string') return value.length > 0;
  return true;
}
