import { Parser, parseDocument } from 'yaml';
import type { CST } from 'yaml';

/**
 * A multi-line quoted scalar that the `yaml` package rejects but Azure Pipelines
 * (which parses with YamlDotNet) accepts: its continuation lines are indented
 * no deeper than the key that owns it, e.g.
 *
 *     params: ' -first one
 *     -second two'
 *
 * `start` and `end` are offsets into the original text (`end` is just past the
 * closing quote); `value` is the decoded, folded text.
 */
export interface RepairedScalar {
  start: number;
  end: number;
  style: 'single-quoted' | 'double-quoted';
  value: string;
}

/** Upper bound on repair rounds, so a pathological file cannot loop for long. */
export const MAX_QUOTED_SCALAR_REPAIRS = 1000;

/**
 * Finds quoted scalars that `yaml` cut off at a line end although their closing
 * quote follows on a later, shallower line, and blanks them out in a copy of the
 * text without moving any other character: the opening line becomes the plain
 * scalar `_` and each continuation line becomes a comment at its own indent.
 * The caller parses the returned text and swaps each placeholder (found by its
 * start offset) for the repaired value, so every other node keeps its position.
 * `tokens`, when given, is the concrete syntax tree of `text`, which spares one parse.
 */
export function repairShallowQuotedScalars(text: string, tokens?: CST.Token[]): { text: string; repairs: RepairedScalar[] } {
  const repairs: RepairedScalar[] = [];
  let current = text;

  for (let round = 0; round < MAX_QUOTED_SCALAR_REPAIRS; round += 1) {
    const next = findNextRepair(current, repairs.length === 0 ? 0 : repairs[repairs.length - 1].end, current === text ? tokens : undefined);
    if (!next) break;

    const original = text.slice(next.start, next.end);
    repairs.push({ ...next, value: decodeQuoted(original) });
    current = current.slice(0, next.start) + blankOut(original) + current.slice(next.end);
  }

  return { text: current, repairs };
}

/** Returns the offset of the opening quote of every quoted scalar that has no closing quote; `tokens` as above. */
export function findUnterminatedQuotes(text: string, tokens?: CST.Token[]): number[] {
  const offsets: number[] = [];
  for (const token of quotedTokens(text, tokens)) {
    if (!isTerminated(token.source)) offsets.push(token.offset);
  }
  return offsets;
}

function findNextRepair(text: string, from: number, tokens?: CST.Token[]): Omit<RepairedScalar, 'value'> | undefined {
  for (const token of quotedTokens(text, tokens)) {
    if (token.offset < from || isTerminated(token.source)) continue;

    const close = findClosingQuote(text, token.offset);
    if (close === undefined) continue;

    const end = close + 1;
    if (!restOfLineIsBlank(text, end)) continue;

    const style = text[token.offset] === "'" ? 'single-quoted' : 'double-quoted';
    return { start: token.offset, end, style };
  }
  return undefined;
}

interface QuotedToken {
  offset: number;
  source: string;
}

/** Quoted tokens of each syntax tree already walked; a load walks the same tree twice when nothing needs repair. */
const quotedTokensOfTree = new WeakMap<CST.Token[], QuotedToken[]>();

/**
 * Walks the concrete syntax tree of `yaml` and returns every quoted scalar token,
 * sorted by offset. It follows each token field that can contain tokens (`value`,
 * `key`, `items`, `start`, `sep`, `end`, `props`) by name, including `end`
 * because error recovery leaves scalars there too. This is several times faster
 * on a cold start than visiting every property.
 */
function quotedTokens(text: string, tokens?: CST.Token[]): QuotedToken[] {
  const cached = tokens === undefined ? undefined : quotedTokensOfTree.get(tokens);
  if (cached !== undefined) return cached;

  const found: QuotedToken[] = [];
  const visitList = (list: unknown): void => {
    if (!Array.isArray(list)) return;
    for (const token of list) visit(token as CST.Token);
  };
  const visit = (token: CST.Token | null | undefined): void => {
    if (token === null || token === undefined || typeof token !== 'object') return;
    const node = token as Partial<Record<'value' | 'key' | 'items' | 'start' | 'sep' | 'end' | 'props', unknown>> & CST.Token;
    if (node.type === 'single-quoted-scalar' || node.type === 'double-quoted-scalar') {
      found.push({ offset: node.offset, source: node.source });
    }
    visit(node.value as CST.Token | undefined);
    visit(node.key as CST.Token | undefined);
    if (Array.isArray(node.items)) {
      for (const item of node.items as CST.CollectionItem[]) {
        visitList(item.start);
        visit(item.key);
        visitList(item.sep);
        visit(item.value);
      }
    }
    // A flow collection's `start` is a single token; every other `start` is a list.
    if (Array.isArray(node.start)) visitList(node.start);
    else visit(node.start as CST.Token | undefined);
    visitList(node.sep);
    visitList(node.end);
    visitList(node.props);
  };

  const tree = tokens ?? [...new Parser().parse(text)];
  for (const token of tree) visit(token);
  found.sort((a, b) => a.offset - b.offset);
  if (tokens !== undefined) quotedTokensOfTree.set(tokens, found);
  return found;
}

function isTerminated(source: string): boolean {
  const close = scanToClose(source, 0);
  return close === source.length - 1;
}

/** Returns the index of the quote that closes the scalar opened at `open`, if any. */
function scanToClose(text: string, open: number): number | undefined {
  const quote = text[open];

  for (let i = open + 1; i < text.length; i += 1) {
    const char = text[i];
    if (quote === "'" && char === "'") {
      if (text[i + 1] === "'") {
        i += 1;
        continue;
      }
      return i;
    }
    if (quote === '"' && char === '\\') {
      i += 1;
      continue;
    }
    if (quote === '"' && char === '"') return i;
  }
  return undefined;
}

/** Like `scanToClose`, but a document marker at the start of a line ends the search, as YAML requires. */
function findClosingQuote(text: string, open: number): number | undefined {
  const close = scanToClose(text, open);
  if (close === undefined) return undefined;

  const marker = /^(?:---|\.\.\.)(?:[ \t\r\n]|$)/m;
  const between = text.slice(open, close);
  const lineStarts = between.split('\n').slice(1);
  if (lineStarts.some((line) => marker.test(line))) return undefined;
  return close;
}

function restOfLineIsBlank(text: string, offset: number): boolean {
  const lineEnd = text.indexOf('\n', offset);
  const rest = text.slice(offset, lineEnd === -1 ? text.length : lineEnd);
  return /^[ \t\r]*(?:#.*)?$/.test(rest);
}

/** Replaces the scalar by `_` and comment lines of the same shape: same line count, same line lengths. */
function blankOut(original: string): string {
  const lines = original.split('\n');

  return lines
    .map((line, index) => {
      if (index === 0) return '_' + ' '.repeat(Math.max(0, line.length - 1));

      const body = line.replace(/\r$/, '');
      const carriageReturn = line.length > body.length ? '\r' : '';
      const indent = /^[ \t]*/.exec(body)?.[0] ?? '';
      if (indent.length === body.length) return line;
      return indent + '#' + ' '.repeat(body.length - indent.length - 1) + carriageReturn;
    })
    .join('\n');
}

/**
 * Decodes a quoted scalar with the `yaml` package itself: indenting every
 * continuation line does not change a flow scalar's value, because line folding
 * drops leading white space, so the deeper-indented copy parses cleanly.
 */
function decodeQuoted(original: string): string {
  const indented = original.replace(/\r\n/g, '\n').replace(/\n/g, '\n  ');
  const document = parseDocument(`value: ${indented}\n`);
  const value = document.get('value');
  return typeof value === 'string' ? value : String(value ?? '');
}
