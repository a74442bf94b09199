import { isAlias, isMap, isPair, isScalar, isSeq, Scalar, visit } from 'yaml';
import type { Document, LineCounter } from 'yaml';
import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../source-location.js';
import type { RepairedScalar } from './quoted-scalar-repair.js';
import type { ScalarTag, YamlMappingEntry, YamlNode, YamlScalar } from './yaml-node.js';

/**
 * Maximum number of nodes that alias expansion may add to one tree. A pipeline
 * that reuses anchors stays far below it. An alias bomb ("billion laughs")
 * reaches it after a few levels and is reported instead of exhausting memory.
 */
export const MAX_ALIAS_EXPANSION_NODES = 100_000;

const INTEGER_PATTERN = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;

/**
 * Converts a document composed by the `yaml` package into the located tree of
 * yaml-node.ts, expanding aliases into copies within MAX_ALIAS_EXPANSION_NODES.
 */
export class YamlTreeBuilder {
  private expandedNodes = 0;
  private budgetExceeded = false;
  private readonly active = new Set<unknown>();
  private readonly repairsByStart: Map<number, RepairedScalar>;

  constructor(
    private readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
    private readonly file: string,
    repairs: RepairedScalar[],
    private readonly diagnostics: Diagnostic[],
  ) {
    this.repairsByStart = new Map(repairs.map((repair) => [repair.start, repair]));
  }

  /** Anchor name → anchored nodes in document order, collected once (the library's own lookup rescans the document per alias). */
  private anchors?: Map<string, { start: number; node: unknown }[]>;

  /** Returns the node of the last anchor named `name` that starts before `offset`, as YAML defines alias resolution. */
  private resolveAnchor(name: string, offset: number): unknown {
    if (!this.anchors) {
      const anchors = new Map<string, { start: number; node: unknown }[]>();
      visit(this.document, {
        Node: (_key, node) => {
          const anchor = (node as { anchor?: string }).anchor;
          if (!anchor || isAlias(node)) return;
          const list = anchors.get(anchor) ?? [];
          list.push({ start: node.range?.[0] ?? 0, node });
          anchors.set(anchor, list);
        },
      });
      this.anchors = anchors;
    }

    const candidates = this.anchors.get(name) ?? [];
    let found: unknown;
    for (const candidate of candidates) if (candidate.start < offset) found = candidate.node;
    return found;
  }

  /** Builds the tree of the document's root node; `undefined` for an empty document. */
  build(): YamlNode | undefined {
    const contents = this.document.contents;
    if (contents === null) return undefined;
    return this.convert(contents, 0);
  }

  private convert(node: unknown, aliasDepth: number): YamlNode {
    if (isAlias(node)) return this.expandAlias(node, aliasDepth);
    if (aliasDepth > 0) this.expandedNodes += 1;

    if (isScalar(node)) return this.convertScalar(node);

    const location = this.locate(node);
    if (isMap(node)) {
      this.active.add(node);
      const entries: YamlMappingEntry[] = [];
      for (const pair of node.items) {
        if (!isPair(pair)) continue;
        const key = this.convertKey(pair.key, location, aliasDepth);
        const value = pair.value === null ? this.emptyScalarAfter(key) : this.convert(pair.value, aliasDepth);
        entries.push({ key, value });
      }
      this.active.delete(node);
      return { kind: 'mapping', entries, location };
    }

    if (isSeq(node)) {
      this.active.add(node);
      const items = node.items.map((item) =>
        item === null ? this.nullScalar(location) : this.convert(item, aliasDepth),
      );
      this.active.delete(node);
      return { kind: 'sequence', items, location };
    }

    return this.nullScalar(location);
  }

  private expandAlias(alias: { source: string; range?: [number, number, number] | null }, aliasDepth: number): YamlNode {
    const location = this.locate(alias);
    const target = this.resolveAnchor(alias.source, alias.range?.[0] ?? 0);

    if (this.budgetExceeded) return this.nullScalar(location);
    if (target === undefined) {
      this.report('YAML007', `alias "*${alias.source}" refers to an anchor that is not defined before it`, location,
        `Define "&${alias.source}" on a node above this alias, or remove the alias.`);
      return this.nullScalar(location);
    }
    if (this.active.has(target)) {
      this.report('YAML007', `alias "*${alias.source}" refers to a node that contains the alias itself`, location,
        'An alias cannot point at one of its own parents; copy the value instead.');
      return this.nullScalar(location);
    }
    if (this.expandedNodes >= MAX_ALIAS_EXPANSION_NODES) {
      this.budgetExceeded = true;
      this.report('YAML006',
        `expanding alias "*${alias.source}" exceeds the limit of ${MAX_ALIAS_EXPANSION_NODES} nodes created from aliases`,
        location, 'Aliases that refer to aliases multiply the size of the document; write the values out or use a template.');
      return this.nullScalar(location);
    }

    const copy = this.convert(target, aliasDepth + 1);
    if (this.expandedNodes > MAX_ALIAS_EXPANSION_NODES && !this.budgetExceeded) {
      this.budgetExceeded = true;
      this.report('YAML006',
        `expanding alias "*${alias.source}" exceeds the limit of ${MAX_ALIAS_EXPANSION_NODES} nodes created from aliases`,
        location, 'Aliases that refer to aliases multiply the size of the document; write the values out or use a template.');
      return this.nullScalar(location);
    }
    return copy;
  }

  private convertKey(key: unknown, parent: SourceLocation, aliasDepth: number): YamlScalar {
    if (key === null || key === undefined) return this.nullScalar(parent);
    if (isScalar(key)) return this.convertScalar(key);

    const converted = this.convert(key, aliasDepth);
    if (converted.kind === 'scalar') return converted;

    this.report('YAML009', `a ${converted.kind} is used as a mapping key`, converted.location,
      'Use a plain string as the key, for example "name:".');
    return { kind: 'scalar', text: '', tag: 'null', style: 'plain', location: converted.location };
  }

  private convertScalar(node: Scalar): YamlScalar {
    const range = node.range ?? [0, 0, 0];
    const repair = this.repairsByStart.get(range[0]);
    if (repair) {
      return {
        kind: 'scalar',
        text: repair.value,
        tag: 'str',
        style: repair.style,
        location: this.locateRange(repair.start, repair.end),
      };
    }

    const location = this.locateRange(range[0], range[1]);
    const style = scalarStyle(node.type);
    if (style !== 'plain') return { kind: 'scalar', text: String(node.value ?? ''), tag: 'str', style, location };

    const source = typeof node.source === 'string' ? node.source : String(node.value ?? '');
    return { kind: 'scalar', text: source, tag: resolvePlainTag(node.value, source), style, location };
  }

  private emptyScalarAfter(key: YamlScalar): YamlScalar {
    const location: SourceLocation = {
      file: this.file,
      line: key.location.endLine ?? key.location.line,
      column: key.location.endColumn ?? key.location.column,
    };
    return { kind: 'scalar', text: '', tag: 'null', style: 'plain', location };
  }

  private nullScalar(location: SourceLocation): YamlScalar {
    return { kind: 'scalar', text: '', tag: 'null', style: 'plain', location };
  }

  private locate(node: unknown): SourceLocation {
    const range = (node as { range?: [number, number, number] | null }).range ?? [0, 0, 0];
    return this.locateRange(range[0], range[1]);
  }

  /** Turns a half-open offset range into a 1-based location; the end column is just past the last character. */
  private locateRange(start: number, end: number): SourceLocation {
    const from = this.lineCounter.linePos(start);
    const to = this.lineCounter.linePos(Math.max(start, end));
    return { file: this.file, line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  }

  private report(code: string, message: string, location: SourceLocation, hint: string): void {
    this.diagnostics.push({ code, severity: 'error', message, location, hint });
  }
}

function scalarStyle(type: Scalar['type']): YamlScalar['style'] {
  switch (type) {
    case 'QUOTE_SINGLE':
      return 'single-quoted';
    case 'QUOTE_DOUBLE':
      return 'double-quoted';
    case 'BLOCK_LITERAL':
      return 'literal';
    case 'BLOCK_FOLDED':
      return 'folded';
    default:
      return 'plain';
  }
}

/** Tags a plain scalar by the value the YAML 1.2 core schema resolved it to. */
function resolvePlainTag(value: unknown, source: string): ScalarTag {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number' || typeof value === 'bigint') return INTEGER_PATTERN.test(source) ? 'int' : 'float';
  return 'str';
}
