import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { expandTemplates } from '../../../src/language/templates/expand-templates.js';
import { serializeExpandedYaml } from '../../../src/language/templates/serialize-yaml.js';
import { loadYaml } from '../../../src/language/yaml/load-yaml.js';
import type { YamlNode } from '../../../src/language/yaml/yaml-node.js';
import { CORPUS_ROOT } from '../../helpers/corpus-root.js';

/*
 * Expands every pipeline of the corpus of public pipelines. A pipeline either
 * expands without errors, or is listed in EXPECTED_FAILURES with its error
 * codes and the reason. A listed pipeline that starts to expand fails the
 * test, so the table stays true.
 */

const CORPUS = CORPUS_ROOT;

interface CorpusEntry {
  repo: string;
  path: string;
  role: string;
  external_ref_details?: { alias: string; target_file_in_corpus?: string }[];
}

interface ExpectedFailure {
  codes: string[];
  reason: string;
}

const MICROBUILD = {
  codes: ['TPL003'],
  reason: 'extends a template from the MicroBuildTemplate repository (1ESPipelineTemplates), which the corpus does not contain',
};

const EXPECTED_FAILURES: Record<string, ExpectedFailure> = {
  'AArnott/Library.Template azure-pipelines/archive-sourcecode.yml': MICROBUILD,
  'AArnott/Library.Template azure-pipelines/libtemplate-update.yml': MICROBUILD,
  'AArnott/Library.Template azure-pipelines/official.yml': MICROBUILD,
  'AArnott/Library.Template azure-pipelines/release.yml': MICROBUILD,
  'AArnott/Library.Template azure-pipelines/unofficial.yml': MICROBUILD,
  'AArnott/Library.Template azure-pipelines/vs-insertion.yml': MICROBUILD,
  'AArnott/Library.Template azure-pipelines/vs-validation.yml': MICROBUILD,
  'marshmallow-code/marshmallow azure-pipelines.yml': {
    codes: ['TPL003'],
    reason: 'uses templates from the "sloria" repository (sloria/azure-pipeline-templates), which the corpus does not contain',
  },
  'numpy/numpy azure-pipelines.yml': {
    codes: ['YAML002'],
    reason: 'the included azure-steps-windows.yml has a displayName whose closing quote is missing, which is invalid YAML',
  },
  'scipy/scipy azure-pipelines.yml': {
    codes: ['TPL016'],
    reason: 'passes "asv_check" to ci/azure-travis-template.yaml, which declares typed parameters without it; Azure rejects unknown parameters too',
  },
};

/** Runtime parameters without defaults get values here, as `--parameter` would give them. */
const RUNTIME_PARAMETERS: Record<string, Record<string, string>> = {
  'microsoft/DirectXTK .azuredevops/pipelines/DirectXTK-OneFuzz-Coverage.yml': {
    sasUrl: 'https://example.invalid/container',
    branch: 'main',
    jobID: '00000000-0000-0000-0000-000000000000',
    buildDate: '2024-01-01',
    commitID: '0123456789abcdef0123456789abcdef01234567',
  },
};

const index: CorpusEntry[] = existsSync(`${CORPUS}/index.json`) ? JSON.parse(readFileSync(`${CORPUS}/index.json`, 'utf8')) : [];
const pipelines = index.filter((entry) => entry.role === 'pipeline');

function corpusFolder(repo: string): string {
  return path.join(CORPUS, repo.replace('/', '__'));
}

function repositoriesOf(entry: CorpusEntry): Record<string, string> {
  const repositories: Record<string, string> = {};
  for (const reference of entry.external_ref_details ?? []) {
    if (!reference.target_file_in_corpus) continue;
    const [owner, name] = reference.target_file_in_corpus.split('/');
    repositories[reference.alias] = corpusFolder(`${owner}/${name}`);
  }
  return repositories;
}

/** Lists what expansion must have removed: `${{`, `template:` list items and `extends`. */
function leftovers(node: YamlNode, isRoot = true): string[] {
  if (node.kind === 'scalar') return node.text.includes('${{') ? [`"${node.text}" at line ${node.location.line}`] : [];
  if (node.kind === 'sequence') {
    return node.items.flatMap((item) => {
      const reference = item.kind === 'mapping' && item.entries.some((entry) => entry.key.text === 'template') ? [`template reference at line ${item.location.line}`] : [];
      return [...reference, ...leftovers(item, false)];
    });
  }
  return node.entries.flatMap((entry) => {
    const own = entry.key.text.includes('${{') || (isRoot && entry.key.text === 'extends') ? [`key "${entry.key.text}"`] : [];
    return [...own, ...leftovers(entry.value, false)];
  });
}

describe('corpus expansion', () => {
  it('finds the corpus pipelines', () => {
    expect(pipelines.length).toBeGreaterThan(50);
  });

  it('lists only pipelines that exist', () => {
    const names = new Set(pipelines.map((entry) => `${entry.repo} ${entry.path}`));
    for (const name of [...Object.keys(EXPECTED_FAILURES), ...Object.keys(RUNTIME_PARAMETERS)]) expect(names).toContain(name);
  });

  for (const entry of pipelines) {
    const name = `${entry.repo} ${entry.path}`;
    it(name, async () => {
      const repositoryRoot = corpusFolder(entry.repo);
      const text = readFileSync(path.join(repositoryRoot, entry.path), 'utf8');
      const loaded = loadYaml(text, entry.path);
      expect(loaded.root).toBeDefined();

      const result = await expandTemplates(loaded.root!, entry.path, {
        repositoryRoot,
        repositories: repositoriesOf(entry),
        parameters: RUNTIME_PARAMETERS[name],
        text,
      });
      const errors = [...loaded.diagnostics, ...result.diagnostics].filter((diagnostic) => diagnostic.severity === 'error');

      const expected = EXPECTED_FAILURES[name];
      if (expected) {
        expect([...new Set(errors.map((error) => error.code))].sort()).toEqual(expected.codes);
        return;
      }

      expect(errors.map((error) => `${error.code} ${error.location?.file}:${error.location?.line} ${error.message}`)).toEqual([]);
      expect(result.root).toBeDefined();
      expect(leftovers(result.root!)).toEqual([]);

      const reparsed = loadYaml(serializeExpandedYaml(result.root!), 'expanded.yml');
      expect(reparsed.diagnostics).toEqual([]);
    });
  }
});
