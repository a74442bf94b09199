import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { VALIDATION_ERROR_CODES } from '../../../src/language/validation/validation-error-codes.js';

const SOURCE_FOLDER = fileURLToPath(new URL('../../../src/language/validation/', import.meta.url));

describe('validation error codes', () => {
  it('lists every code the checks use', () => {
    const used = new Set<string>();
    for (const file of readdirSync(SOURCE_FOLDER).filter((name) => name.endsWith('.ts') && name !== 'validation-error-codes.ts')) {
      for (const match of readFileSync(join(SOURCE_FOLDER, file), 'utf8').matchAll(/'(VAL\d{3})'/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(5);
    for (const code of used) expect(Object.keys(VALIDATION_ERROR_CODES)).toContain(code);
  });
});
