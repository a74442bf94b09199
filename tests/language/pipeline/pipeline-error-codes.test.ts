import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PIPELINE_ERROR_CODES } from '../../../src/language/pipeline/pipeline-error-codes.js';
import { YAML_ERROR_CODES } from '../../../src/language/yaml/yaml-error-codes.js';

function codesUsedIn(folder: string, prefix: string): Set<string> {
  const directory = fileURLToPath(new URL(`../../../src/language/${folder}/`, import.meta.url));
  const used = new Set<string>();
  for (const name of readdirSync(directory)) {
    if (!name.endsWith('.ts') || name.endsWith('-error-codes.ts')) continue;
    const text = readFileSync(directory + name, 'utf8');
    for (const match of text.matchAll(new RegExp(`'(${prefix}\\d{3})'`, 'g'))) used.add(match[1]);
  }
  return used;
}

describe('error catalogues', () => {
  it('lists every PIPE code used in src/language/pipeline', () => {
    const used = codesUsedIn('pipeline', 'PIPE');
    expect(used.size).toBeGreaterThan(10);
    for (const code of used) expect(Object.keys(PIPELINE_ERROR_CODES), code).toContain(code);
  });

  it('lists every YAML code used in src/language/yaml', () => {
    const used = codesUsedIn('yaml', 'YAML');
    expect(used.size).toBeGreaterThan(5);
    for (const code of used) expect(Object.keys(YAML_ERROR_CODES), code).toContain(code);
  });

  it('describes every catalogued code', () => {
    for (const entry of [...Object.values(PIPELINE_ERROR_CODES), ...Object.values(YAML_ERROR_CODES)]) {
      expect(entry.description.length).toBeGreaterThan(10);
    }
  });
});
