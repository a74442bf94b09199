import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createContextFromJson } from '../../../src/language/expressions/context-from-json.js';
import type { ExpressionMode } from '../../../src/language/expressions/expression-context.js';
import { evaluateWithSource, ExpressionError, parseOrThrow } from '../../../src/language/expressions/evaluate-expression.js';
import { EXPRESSION_FUNCTIONS } from '../../../src/language/expressions/functions/function-registry.js';
import { toJsonValue } from '../../../src/language/expressions/json-value.js';

// One JSON table per function, written from Azure's documentation
// (learn.microsoft.com/azure/devops/pipelines/process/expressions). A case has
// `expected` (the value as JSON) or `error` (the expected code).

interface FunctionCase {
  name: string;
  expression: string;
  mode?: ExpressionMode;
  context?: unknown;
  expected?: unknown;
  error?: string;
}

interface CaseTable {
  function: string;
  source: string;
  cases: FunctionCase[];
}

const casesDirectory = join(import.meta.dirname, 'cases');
const tables: CaseTable[] = readdirSync(casesDirectory)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(join(casesDirectory, file), 'utf8')) as CaseTable);

function runCase(testCase: FunctionCase): unknown {
  const built = createContextFromJson(testCase.context ?? {}, testCase.mode ?? 'runtime');
  if (!built.ok) throw new Error(`invalid case context: ${built.problems.join('; ')}`);
  const ast = parseOrThrow(testCase.expression);
  return toJsonValue(evaluateWithSource(ast, built.context, testCase.expression));
}

describe('function case tables', () => {
  it('has a table for every registered function', () => {
    const covered = new Set(tables.map((table) => table.function));
    const missing = EXPRESSION_FUNCTIONS.map((definition) => definition.name).filter((name) => !covered.has(name));
    expect(missing).toEqual([]);
  });

  for (const table of tables) {
    describe(`${table.function} (${table.source})`, () => {
      for (const testCase of table.cases) {
        it(testCase.name, () => {
          if (testCase.error !== undefined) {
            let thrown: unknown;
            try {
              runCase(testCase);
            } catch (error) {
              thrown = error;
            }
            expect(thrown).toBeInstanceOf(ExpressionError);
            expect((thrown as ExpressionError).diagnostic.code).toBe(testCase.error);
            return;
          }
          expect(testCase).toHaveProperty('expected');
          expect(runCase(testCase)).toEqual(testCase.expected);
        });
      }
    });
  }
});
