import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPipeline } from '../../../src/language/pipeline/load-pipeline.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function writePipeline(text: string): string {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-load-plain-'));
  folders.push(folder);
  const path = join(folder, 'azure-pipelines.yml');
  writeFileSync(path, text);
  return path;
}

const PLAIN = `variables:
  configuration: Release
jobs:
  - job: Build
    steps:
      - script: echo "$(configuration)"
        displayName: 'Say it'
      - bash: |
          echo one
          echo two
`;

describe('loadPipeline without templates', () => {
  it('matches the expanded result', async () => {
    const plain = await loadPipeline(writePipeline(PLAIN), { displayPath: 'p.yml' });
    // The word in the comment makes loadPipeline run template expansion on the same tree.
    const expanded = await loadPipeline(writePipeline(`# no template here\n${PLAIN}`), { displayPath: 'p.yml' });
    expect(plain.diagnostics).toEqual([]);
    expect(expanded.diagnostics).toEqual([]);
    const withoutLocations = (value: unknown): string => JSON.stringify(value, (key, field) => (key === 'location' || key === 'line' ? undefined : field));
    expect(withoutLocations(plain.definition)).toBe(withoutLocations(expanded.definition));
    expect(plain.definition?.stages[0]?.jobs[0]?.steps).toHaveLength(2);
  });

  it('still checks runtime parameters', async () => {
    const loaded = await loadPipeline(writePipeline(PLAIN), { parameters: { unknown: 'x' } });
    expect(loaded.diagnostics.some((diagnostic) => diagnostic.severity === 'error')).toBe(true);
  });

  it('still rejects a root that is not a mapping', async () => {
    const loaded = await loadPipeline(writePipeline('- script: echo hi\n'));
    expect(loaded.diagnostics.map((diagnostic) => diagnostic.code)).toContain('TPL013');
  });
});
