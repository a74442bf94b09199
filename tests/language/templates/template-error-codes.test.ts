import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TEMPLATE_ERROR_CODES } from '../../../src/language/templates/template-error-codes.js';

const SOURCE = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../../../src/language/templates');

function usedCodes(): Set<string> {
  const used = new Set<string>();
  for (const file of readdirSync(SOURCE)) {
    if (!file.endsWith('.ts') || file === 'template-error-codes.ts') continue;
    for (const match of readFileSync(path.join(SOURCE, file), 'utf8').matchAll(/'(TPL\d{3})'/g)) used.add(match[1]);
  }
  return used;
}

describe('template error codes', () => {
  it('lists every code the expander uses', () => {
    const listed = new Set(Object.keys(TEMPLATE_ERROR_CODES));

    expect([...usedCodes()].filter((code) => !listed.has(code))).toEqual([]);
  });

  it('uses every listed code', () => {
    const used = usedCodes();

    expect(Object.keys(TEMPLATE_ERROR_CODES).filter((code) => !used.has(code))).toEqual([]);
  });

  it('numbers codes without gaps', () => {
    const numbers = Object.keys(TEMPLATE_ERROR_CODES).map((code) => Number(code.slice(3)));

    expect(numbers).toEqual(numbers.map((_, index) => index + 1));
  });
});
