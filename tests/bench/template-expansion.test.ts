import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { expandTemplates } from '../../src/language/templates/expand-templates.js';
import { serializeExpandedYaml } from '../../src/language/templates/serialize-yaml.js';
import { loadYaml } from '../../src/language/yaml/load-yaml.js';

import {
  GENERATED_TEMPLATE_COUNT,
  generatedTemplateTree,
  renderTemplateMarkdown,
  writeTemplateReport,
  // @ts-expect-error bench/ is plain JavaScript without type declarations.
} from '../../bench/template-expansion.js';

const MACHINE = {
  cpuModel: 'Test CPU',
  cores: 2,
  node: 'v20.0.0',
  kernel: 'linux 6.0',
  loadAverage: 0.5,
  sluiceVersion: '0.1.0',
  commit: 'abc1234',
  date: '2026-01-01T00:00:00.000Z',
};

const folders: string[] = [];
afterEach(() => {
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
});

describe('template expansion benchmark', () => {
  it('generates a chain that expands', async () => {
    const files = generatedTemplateTree() as Record<string, string>;
    const folder = mkdtempSync(join(tmpdir(), 'sluice-bench-chain-'));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) writeFileSync(join(folder, name), text);
    const loaded = loadYaml(files['azure-pipelines.yml'], 'azure-pipelines.yml');

    const result = await expandTemplates(loaded.root!, 'azure-pipelines.yml', { repositoryRoot: folder, text: files['azure-pipelines.yml'] });
    const expanded = serializeExpandedYaml(result.root!);

    expect(Object.keys(files)).toHaveLength(GENERATED_TEMPLATE_COUNT + 1);
    expect(result.diagnostics).toEqual([]);
    // Level 1 is verbose because the pipeline sets it, and level 2 because level 1 passes eq(level, 1).
    expect(expanded).toContain('echo "chain level 1, verbose"');
    expect(expanded).toContain('echo "chain level 2, verbose"');
    expect(expanded).toContain("echo \"chain level 3\"");
    expect(expanded).toContain(`echo "chain level ${GENERATED_TEMPLATE_COUNT}"`);
    expect(expanded).not.toContain("level 3, verbose");
    expect(expanded).toContain(`run-docs --level ${GENERATED_TEMPLATE_COUNT}`);
    expect(expanded).toContain("FLAG: $[ eq(variables['Build.Reason'], 'Manual') ]");
    expect(expanded).not.toContain('${{');
  });

  it('renders targets with verdicts', () => {
    const result = { name: 'chain', files: 101, textBytes: 2048, expandedBytes: 1024, runs: 3, expandMs: 120, expandRange: [110, 130], parseMs: 50, ratio: 2.4, generated: true };

    const markdown = renderTemplateMarkdown([result], MACHINE, 'npm run bench') as string;

    expect(markdown).toContain('| chain | 101 | 2.0 KB | 1.0 KB | 3 | 120.00 ms (110.00–130.00) | 50.00 ms | 2.40× |');
    expect(markdown).toContain('| expansion / parse < 3× | chain | 2.40× | met |');
    expect(markdown).toContain('| expansion < 100 ms | chain | 120.00 ms | not met |');
    expect(markdown).toContain('with `npm run bench`');
  });

  it('replaces only its own section', () => {
    const folder = mkdtempSync(join(tmpdir(), 'sluice-bench-report-'));
    folders.push(folder);
    const path = join(folder, 'benchmarks.md');
    writeFileSync(path, '# Benchmarks\n\n<!-- bench:start (other) -->\nrun results\n<!-- bench:end -->\n');

    writeTemplateReport(path, 'first\n');
    writeTemplateReport(path, 'second\n');
    const text = readFileSync(path, 'utf8');

    expect(text).toContain('<!-- bench:start (other) -->\nrun results\n<!-- bench:end -->\n');
    expect(text).toContain('second\n<!-- bench-templates:end -->');
    expect(text).not.toContain('first');
  });
});
