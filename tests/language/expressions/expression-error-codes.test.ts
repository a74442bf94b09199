import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ExpressionErrorCode } from '../../../src/language/expressions/expression-error-codes.js';

const sourceRoots = ['src/language/expressions', 'src/language/variables', 'src/cli/commands/eval-command.ts'];

function readSources(path: string): string[] {
  if (statSync(path).isFile()) return [readFileSync(path, 'utf8')];
  return readdirSync(path).flatMap((entry) => readSources(join(path, entry)));
}

describe('expression error catalogue', () => {
  const entries = Object.entries(ExpressionErrorCode);

  it('codes are unique and well formed', () => {
    const codes = entries.map(([, code]) => code);
    expect(new Set(codes).size).toBe(codes.length);
    for (const code of codes) expect(code).toMatch(/^EXPR\d{3}$/);
  });

  it('every code is reported somewhere', () => {
    const sources = sourceRoots
      .flatMap((root) => readSources(join(import.meta.dirname, '../../..', root)))
      .filter((text) => !text.includes('export const ExpressionErrorCode'))
      .join('\n');
    const unused = entries.filter(([name]) => !sources.includes(`ExpressionErrorCode.${name}`)).map(([name]) => name);
    expect(unused).toEqual([]);
  });
});
