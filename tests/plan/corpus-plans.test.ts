import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../src/language/pipeline/load-pipeline.js';
import { createRunPlan, describePlan } from '../../src/plan/create-run-plan.js';
import { CORPUS_ROOT } from '../helpers/corpus-root.js';

const CORPUS = CORPUS_ROOT;

interface CorpusEntry {
  repo: string;
  path: string;
  role: string;
}

function pipelineFiles(): string[] {
  const index = join(CORPUS, 'index.json');
  if (!existsSync(index)) return [];
  const entries = JSON.parse(readFileSync(index, 'utf8')) as CorpusEntry[];
  return entries
    .filter((entry) => entry.role === 'pipeline')
    .map((entry) => join(CORPUS, entry.repo.replace('/', '__'), entry.path))
    .filter((file) => existsSync(file));
}

/**
 * Corpus pipelines whose plan is invalid as committed, with the reason. Azure
 * rejects them the same way; a pipeline that starts planning cleanly fails the test.
 */
const EXPECTED_PLAN_FAILURES: Record<string, string> = {
  'pypa__pip/.azure-pipelines/macos.yml':
    'includes jobs/package.yml, whose Package job depends on Test_Primary and Test_Secondary, which only the linux and windows pipelines define',
};

// Real pipelines that load without errors must also plan without plan errors,
// unless they are listed above with the reason.
describe('planning the corpus', () => {
  const files = pipelineFiles();

  it('plans every loadable pipeline', async () => {
    const planned: string[] = [];
    for (const file of files) {
      const loaded = await loadPipeline(file);
      if (loaded.definition === undefined || loaded.diagnostics.some((item) => item.severity === 'error')) continue;

      const { plan, diagnostics } = createRunPlan(loaded.definition, { hostOs: 'linux' });
      const errors = diagnostics.filter((item) => item.severity === 'error');
      const expectedFailure = EXPECTED_PLAN_FAILURES[file.slice(CORPUS.length + 1)];
      if (expectedFailure !== undefined) {
        expect(errors.length, `${file} is listed as failing (${expectedFailure}) but planned cleanly`).toBeGreaterThan(0);
        continue;
      }
      expect({ file, errors }).toEqual({ file, errors: [] });
      expect(describePlan(plan!, { dryRun: true }).length).toBeGreaterThan(0);
      planned.push(file);
    }
    expect(planned.length).toBeGreaterThan(0);
  });
});
