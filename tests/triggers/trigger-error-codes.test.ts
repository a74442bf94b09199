import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { TRIGGER_ERROR_CODES } from '../../src/triggers/trigger-error-codes.js';

describe('trigger error catalogue', () => {
  it('lists every code used under src/triggers', () => {
    const folder = new URL('../../src/triggers/', import.meta.url);
    const used = new Set<string>();
    for (const file of readdirSync(folder)) {
      if (file === 'trigger-error-codes.ts') continue;
      for (const match of readFileSync(new URL(file, folder), 'utf8').matchAll(/'(TRG\d{3})'/g)) used.add(match[1]);
    }
    expect(used.size).toBeGreaterThan(0);
    for (const code of used) expect(Object.keys(TRIGGER_ERROR_CODES)).toContain(code);
  });
});
