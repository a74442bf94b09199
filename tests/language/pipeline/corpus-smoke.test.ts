import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../../src/language/pipeline/load-pipeline.js';
import { CORPUS_ROOT } from '../../helpers/corpus-root.js';

const CORPUS = CORPUS_ROOT;

interface CorpusEntry {
  repo: string;
  path: string;
  role: string;
  features: string[];
}

const entries: CorpusEntry[] = existsSync(`${CORPUS}/index.json`)
  ? (JSON.parse(readFileSync(`${CORPUS}/index.json`, 'utf8')) as CorpusEntry[])
  : [];
const pipelines = entries.filter((entry) => entry.role === 'pipeline');
const withoutTemplates = pipelines.filter((entry) => !entry.features.some((feature) => feature.includes('template')));

describe('corpus pipelines', () => {
  it('has pipelines without templates to load', () => {
    expect(withoutTemplates.length).toBeGreaterThan(20);
  });

  // Every pipeline without templates must load with no errors.
  // Pipelines with templates must still load without throwing, with positioned, coded diagnostics.
  it.each(withoutTemplates.map((entry) => [`${entry.repo}/${entry.path}`, entry] as const))('loads %s', async (name, entry) => {
    const { definition, diagnostics } = await loadPipeline(`${CORPUS}/${entry.repo.replace('/', '__')}/${entry.path}`, { displayPath: name });
    const errors = diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => `${d.location?.line}:${d.location?.column} ${d.code} ${d.message}`)).toEqual([]);
    expect(definition?.stages.length).toBeGreaterThan(0);
  });

  // Expansion itself is tested against the corpus in tests/language/templates; here the
  // loader must return coded, positioned diagnostics or a definition, never throw.
  it('loads pipelines with templates without throwing', async () => {
    for (const entry of pipelines.filter((candidate) => !withoutTemplates.includes(candidate))) {
      const repositoryRoot = `${CORPUS}/${entry.repo.replace('/', '__')}`;
      const { definition, diagnostics } = await loadPipeline(`${repositoryRoot}/${entry.path}`, { displayPath: entry.path, repositoryRoot });
      const errors = diagnostics.filter((d) => d.severity === 'error');
      expect(definition !== undefined || errors.length > 0, entry.path).toBe(true);
      for (const diagnostic of errors) {
        expect(diagnostic.code, diagnostic.message).toMatch(/^(PIPE|YAML|EXPR|TPL)\d{3}$/);
        expect(diagnostic.location?.line, diagnostic.message).toBeGreaterThan(0);
      }
    }
  });
});
