import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';
import { parseExpression } from '../../../src/language/expressions/parse-expression.js';
import { matchRuntimeExpression } from '../../../src/language/expressions/runtime-expression.js';
import { CORPUS_ROOT } from '../../helpers/corpus-root.js';

// Every condition, `${{ }}` and `$[ ]` in the public pipelines of the shared
// corpus must parse, since Azure accepted those pipelines.

const corpusRoot = CORPUS_ROOT;

function listYamlFiles(path: string): string[] {
  if (statSync(path).isFile()) return /\.ya?ml$/.test(path) ? [path] : [];
  return readdirSync(path).flatMap((entry) => listYamlFiles(join(path, entry)));
}

interface FoundExpression {
  file: string;
  text: string;
}

/**
 * Returns the expression inside a template directive: the condition of
 * `if`/`elseif`, the collection of `each x in`, or undefined for `else` and `insert`.
 */
function stripDirective(inner: string): string | undefined {
  const text = inner.trim();
  if (/^(else|insert)$/i.test(text)) return undefined;
  const conditional = /^(?:if|elseif)\s+(.*)$/is.exec(text);
  if (conditional) return conditional[1]!;
  const loop = /^each\s+\w+\s+in\s+(.*)$/is.exec(text);
  if (loop) return loop[1]!;
  return text;
}

/** Collects the expressions in one YAML file: condition values, template and runtime expressions. */
function collectExpressions(file: string): FoundExpression[] {
  const found: FoundExpression[] = [];
  const document = parseDocument(readFileSync(file, 'utf8'), { uniqueKeys: false, strict: false });

  const visitString = (text: string, isCondition: boolean) => {
    for (const match of text.matchAll(/\$\{\{(.*?)\}\}/gs)) {
      const expression = stripDirective(match[1]!);
      if (expression !== undefined) found.push({ file, text: expression });
    }
    // A value that still contains `${{ }}` is complete only after template expansion.
    if (text.includes('${{')) return;
    const runtime = matchRuntimeExpression(text);
    if (runtime !== undefined) found.push({ file, text: runtime });
    else if (isCondition) found.push({ file, text });
  };

  const visit = (node: Node | null | undefined, key?: string) => {
    if (!node) return;
    if (isScalar(node)) {
      if (typeof node.value === 'string') visitString(node.value, key === 'condition');
      return;
    }
    if (isSeq(node)) {
      for (const item of node.items) visit(item as Node);
      return;
    }
    if (isMap(node)) {
      for (const pair of node.items) {
        const keyNode = pair.key as Node;
        if (isScalar(keyNode) && typeof keyNode.value === 'string') visitString(keyNode.value, false);
        visit(pair.value as Node, isScalar(keyNode) ? String(keyNode.value) : undefined);
      }
    }
  };

  visit(document.contents as Node);
  return found;
}

describe('corpus expressions', () => {
  const files = statSync(corpusRoot, { throwIfNoEntry: false }) ? listYamlFiles(corpusRoot) : [];
  const expressions = files.flatMap(collectExpressions);

  it('finds expressions to check', () => {
    expect(expressions.length).toBeGreaterThan(1000);
  });

  it('every expression parses', () => {
    const failures = expressions
      .map((expression) => ({ expression, result: parseExpression(expression.text.trim()) }))
      .filter(({ result }) => result.diagnostics.length > 0)
      .map(({ expression, result }) => `${relative(corpusRoot, expression.file)}: ${expression.text.trim()} → ${result.diagnostics[0]!.code} ${result.diagnostics[0]!.message}`);
    expect(failures).toEqual([]);
  });
});
