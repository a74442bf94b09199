import { Composer, isNode, isScalar, LineCounter, Parser, visit } from 'yaml';
import type { Document, ParsedNode, YAMLError } from 'yaml';
import type { Diagnostic } from '../diagnostic.js';
import type { SourceLocation } from '../source-location.js';
import { findTooDeepNesting, MAX_YAML_NESTING_DEPTH } from './nesting-depth.js';
import { findUnterminatedQuotes, repairShallowQuotedScalars } from './quoted-scalar-repair.js';
import type { YamlErrorCode } from './yaml-error-codes.js';
import type { YamlNode } from './yaml-node.js';
import { YamlTreeBuilder } from './yaml-tree-builder.js';

/**
 * Parses one pipeline or template file into a located YAML tree.
 *
 * Plain scalars resolve with the YAML 1.2 core schema (`yes` stays a string),
 * CRLF line ends and a leading `---` are accepted, aliases are expanded within a
 * budget, and duplicate keys are errors unless they are template expressions
 * (see isSameKey). A file nested deeper than
 * MAX_YAML_NESTING_DEPTH is rejected before it is composed. Every problem is returned as a
 * positioned diagnostic; `root` is what could be built (absent for an empty file
 * or a rejected one).
 */
export function loadYaml(text: string, file: string): { root?: YamlNode; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];

  // One parse into a concrete syntax tree serves every step below unless a quoted scalar needs repair.
  const lineCounter = new LineCounter();
  let tokens = [...new Parser(lineCounter.addNewLine).parse(text)];

  // The steps below recurse once per nesting level, so too deep a file is rejected before them.
  const tooDeep = findTooDeepNesting(tokens);
  if (tooDeep !== undefined) {
    const from = lineCounter.linePos(tooDeep);
    diagnostics.push({
      code: 'YAML011',
      severity: 'error',
      message: `sequences and mappings are nested more than ${MAX_YAML_NESTING_DEPTH} levels deep here`,
      location: { file, line: from.line, column: from.col },
      hint: `Flatten the structure to at most ${MAX_YAML_NESTING_DEPTH} levels of nesting.`,
    });
    return { diagnostics };
  }

  const { text: repaired, repairs } = repairShallowQuotedScalars(text, tokens);
  // A repair keeps every line break and line length, so `lineCounter` still fits the repaired text.
  if (repaired !== text) tokens = [...new Parser().parse(repaired)];

  const composer = new Composer({ version: '1.2', uniqueKeys: isSameKey, prettyErrors: false });
  const documents = [...composer.compose(tokens, true)];

  const locate = (offset: number, end?: number): SourceLocation => {
    const from = lineCounter.linePos(offset);
    const to = lineCounter.linePos(end ?? offset);
    return { file, line: from.line, column: from.col, endLine: to.line, endColumn: to.col };
  };

  for (const offset of findUnterminatedQuotes(repaired, tokens)) {
    diagnostics.push({
      code: 'YAML002',
      severity: 'error',
      message: 'unterminated quoted string started here',
      location: locate(offset, offset + 1),
      hint: `Add the closing ${repaired[offset]} at the end of the value, or escape the quote characters inside it.`,
    });
  }

  for (const document of documents) {
    for (const error of [...document.errors, ...document.warnings]) {
      const keyText = error.code === 'DUPLICATE_KEY' ? keyTextAt(document, error.pos[0], repaired) : undefined;
      const diagnostic = translateError(error, locate, repaired, keyText);
      if (diagnostic) diagnostics.push(diagnostic);
    }
  }

  if (documents.length > 1) {
    const second = documents[1];
    diagnostics.push({
      code: 'YAML008',
      severity: 'error',
      message: `the file contains ${documents.length} YAML documents, but a pipeline file must contain exactly one`,
      location: locate(second.range[0]),
      hint: 'Remove the "---" line that starts the second document, or move that document to its own file.',
    });
  }

  const first = documents[0];
  if (!first) return { diagnostics };

  const root = new YamlTreeBuilder(first, lineCounter, file, repairs, diagnostics).build();
  return { root, diagnostics };
}

/**
 * Decides whether two keys of one mapping are the same key. A key written as a
 * template expression (`${{ if … }}`, `${{ else }}`) may repeat, because Azure Pipelines
 * runs mappings with two `${{ else }}` or two identical `${{ if }}` keys, which
 * generic YAML linters flag (issue trackers of super-linter, prettier and
 * redhat-developer/vscode-yaml). A clash in what they insert is TPL026.
 */
function isSameKey(a: ParsedNode, b: ParsedNode): boolean {
  if (a === b) return true;
  if (!isScalar(a) || !isScalar(b) || a.value !== b.value) return false;
  return !(typeof a.value === 'string' && a.value.trimStart().startsWith('${{'));
}

/** Returns the mapping key that starts at `offset`: a scalar's value, or another key's source text. */
function keyTextAt(document: Document.Parsed, offset: number, text: string): string | undefined {
  let found: string | undefined;
  visit(document, {
    Pair: (_index, pair) => {
      if (!isNode(pair.key) || pair.key.range?.[0] !== offset) return undefined;
      found = isScalar(pair.key) ? String(pair.key.value) : text.slice(pair.key.range[0], pair.key.range[1]);
      return visit.BREAK;
    },
  });
  return found;
}

/** How each error code of the `yaml` package maps onto this layer's catalogue. */
const LIBRARY_CODES: Record<string, { code: YamlErrorCode; hint: string }> = {
  DUPLICATE_KEY: { code: 'YAML003', hint: 'Remove one of the two entries, or rename one of the keys.' },
  BAD_INDENT: { code: 'YAML004', hint: 'Align the line with the other entries of the same mapping or sequence.' },
  MISSING_CHAR: { code: 'YAML001', hint: 'Check the punctuation on this line: a ":" after a key, or a closing bracket.' },
  TAB_AS_INDENT: { code: 'YAML005', hint: 'Replace the tab characters at the start of the line with spaces.' },
  MULTILINE_IMPLICIT_KEY: {
    code: 'YAML010',
    hint: 'A key must fit on one line; quote a long value or check the indentation of the line above.',
  },
  BAD_ALIAS: { code: 'YAML007', hint: 'Define the anchor ("&name") above the alias ("*name").' },
};

function translateError(
  error: YAMLError,
  locate: (offset: number, end?: number) => SourceLocation,
  text: string,
  keyText?: string,
): Diagnostic | undefined {
  // The unterminated-quote diagnostics above already point at the opening quote.
  if (error.code === 'MISSING_CHAR' && /closing .?quote/i.test(error.message)) return undefined;

  const mapped = LIBRARY_CODES[error.code] ?? {
    code: 'YAML001',
    hint: 'Check the line against YAML syntax: indentation, ":" after keys and "-" before list items.',
  };
  const [start, end] = error.pos;
  // The library notices an unclosed `[` or `{` only where the block ends, so the error points at the opening bracket instead.
  const unclosed = /flow (sequence|map)[^]*end with a ([\]}])/i.exec(error.message);
  if (unclosed !== undefined && unclosed !== null) {
    const open = unclosedBracketBefore(text, start, unclosed[2] === ']' ? '[' : '{');
    if (open !== undefined) {
      return {
        code: mapped.code,
        severity: 'error',
        message: `the flow ${unclosed[2] === ']' ? 'sequence' : 'mapping'} opened here has no closing ${unclosed[2]}`,
        location: locate(open, open + 1),
        hint: `Add the closing ${unclosed[2]}, or quote the value if the ${unclosed[2] === ']' ? '[' : '{'} is meant as text.`,
      };
    }
  }
  return {
    code: mapped.code,
    severity: error.name === 'YAMLWarning' ? 'warning' : 'error',
    message: describeError(error, keyText ?? text.slice(start, end)),
    location: locate(start, end),
    hint: mapped.hint,
  };
}

/** Returns the offset of the last `opening` bracket before `offset` that no bracket after it closes. */
function unclosedBracketBefore(text: string, offset: number, opening: '[' | '{'): number | undefined {
  const closing = opening === '[' ? ']' : '}';
  let depth = 0;
  for (let index = Math.min(offset, text.length) - 1; index >= 0; index -= 1) {
    if (text[index] === closing) depth += 1;
    else if (text[index] === opening) {
      if (depth === 0) return index;
      depth -= 1;
    }
  }
  return undefined;
}

/** Rewords the library's message in the terms users search for, keeping its detail. */
function describeError(error: YAMLError, source: string): string {
  const detail = error.message.replace(/\s+at line \d+, column \d+[\s\S]*$/, '').trim();
  const lowered = detail.charAt(0).toLowerCase() + detail.slice(1);

  switch (error.code) {
    case 'DUPLICATE_KEY':
      return `duplicate key "${source.trim()}": a mapping cannot contain the same key twice`;
    case 'BAD_INDENT':
      return `bad indentation: ${lowered}`;
    case 'TAB_AS_INDENT':
      return 'tab character used for indentation';
    case 'MULTILINE_IMPLICIT_KEY':
      return 'a key spans several lines; keys must be on a single line (is the indentation of this line right?)';
    default:
      return `invalid YAML: ${lowered}`;
  }
}
