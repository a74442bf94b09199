import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileTimeVariables } from '../../src/cli/compile-time-variables.js';
import { preparePipeline } from '../../src/cli/prepare-pipeline.js';
import { readGitSourceInfo } from '../../src/runner/git-source-info.js';
import { runSluice } from '../helpers/run-sluice.js';
import { corpusPipelines, pipelineName, repositoriesOf, repositoryFolder, type CorpusEntry } from './corpus-pipelines.js';

/*
 * Runs `sluice validate` (in-process, purpose 'check') on every pipeline of the
 * corpus of public pipelines. A pipeline is valid (warnings allowed), or it is
 * listed in EXPECTED_FAILURES with the exact set of error codes and the reason.
 * A listed pipeline that starts to pass fails its test, so the table stays true.
 */

interface ExpectedFailure {
  /** The distinct error codes, sorted. */
  codes: string[];
  reason: string;
}

const MICROBUILD: ExpectedFailure = {
  codes: ['TPL003'],
  reason: 'extends a template from the MicroBuildTemplate repository (1ESPipelineTemplates), which is not in the corpus',
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
    reason: 'uses templates from the "sloria" repository (sloria/azure-pipeline-templates), which is not in the corpus',
  },
  'numpy/numpy azure-pipelines.yml': {
    codes: ['YAML002'],
    reason: 'the included azure-steps-windows.yml has a displayName without its closing quote, which is invalid YAML',
  },
  'scipy/scipy azure-pipelines.yml': {
    codes: ['TPL016'],
    reason: 'passes "asv_check" to ci/azure-travis-template.yaml, whose declared parameters do not include it; Azure rejects unknown template parameters too',
  },
  'microsoft/DirectXTK .azuredevops/pipelines/DirectXTK-OneFuzz-Coverage.yml': {
    codes: ['TPL018'],
    reason: 'declares five runtime parameters without defaults, so a run must supply them (see the --parameter test below)',
  },
  'pypa/pip .azure-pipelines/macos.yml': {
    codes: ['PLAN003'],
    reason: 'the Package job depends on Test_Primary and Test_Secondary, which macos.yml at this commit no longer includes; Azure rejects an unknown dependsOn too',
  },
};

/** Values for the runtime parameters that OneFuzz-Coverage declares without defaults. */
const ONEFUZZ_PARAMETERS: Record<string, string> = {
  sasUrl: 'https://example.invalid/container',
  branch: 'main',
  jobID: '00000000-0000-0000-0000-000000000000',
  buildDate: '2024-01-01',
  commitID: '0123456789abcdef0123456789abcdef01234567',
};

const pipelines = corpusPipelines();

/** Validates one corpus pipeline as `sluice validate` does, with its checkout root set to its repository folder. */
async function validate(entry: CorpusEntry, parameters: Record<string, string> = {}) {
  const sourceRoot = repositoryFolder(entry.repo);
  const source = await readGitSourceInfo(sourceRoot);
  const prepared = await preparePipeline(
    { path: path.join(sourceRoot, entry.path), displayPath: entry.path, sourceRoot },
    { hostOs: 'linux' },
    'check',
    { parameters, repositories: repositoriesOf(entry), variables: compileTimeVariables(source) },
  );
  return prepared.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
}

describe('corpus validation', () => {
  it('finds the corpus pipelines', () => {
    expect(pipelines.length).toBeGreaterThanOrEqual(80);
  });

  it('lists only corpus pipelines as failures', () => {
    const names = new Set(pipelines.map(pipelineName));
    for (const name of Object.keys(EXPECTED_FAILURES)) expect(names).toContain(name);
  });

  for (const entry of pipelines) {
    const name = pipelineName(entry);
    it(name, async () => {
      const errors = await validate(entry);
      const described = errors.map((error) => `${error.code} ${error.location?.file}:${error.location?.line}:${error.location?.column} ${error.message}`);

      const expected = EXPECTED_FAILURES[name];
      if (!expected) {
        expect(described).toEqual([]);
        return;
      }
      expect(errors.length, `expected to fail: ${expected.reason}`).toBeGreaterThan(0);
      expect([...new Set(errors.map((error) => error.code))].sort()).toEqual(expected.codes);
      for (const error of errors) expect(error.location?.line, described.join('\n')).toBeGreaterThan(0);
    });
  }

  it('accepts OneFuzz-Coverage with its runtime parameters', async () => {
    const entry = pipelines.find((candidate) => pipelineName(candidate).endsWith('DirectXTK-OneFuzz-Coverage.yml'));
    expect(entry).toBeDefined();

    const errors = await validate(entry!, ONEFUZZ_PARAMETERS);

    expect(errors).toEqual([]);
  });
});

describe('corpus validation through the CLI', () => {
  it('validates tox with its template repository', async () => {
    const entry = pipelines.find((candidate) => pipelineName(candidate) === 'tox-dev/tox azure-pipelines.yml');
    expect(entry).toBeDefined();
    const repositoryOptions = Object.entries(repositoriesOf(entry!)).flatMap(([alias, folder]) => ['--repository', `${alias}=${folder}`]);
    expect(repositoryOptions).toEqual(['--repository', `tox=${repositoryFolder('tox-dev/azure-pipelines-template')}`]);

    const result = await runSluice(['validate', 'azure-pipelines.yml', '--format', 'json', ...repositoryOptions], { cwd: repositoryFolder(entry!.repo) });
    const report = JSON.parse(result.stdout) as { file: string; valid: boolean; diagnostics: { severity: string }[] }[];

    expect(result.code).toBe(0);
    expect(report).toHaveLength(1);
    expect(report[0].file).toBe('azure-pipelines.yml');
    expect(report[0].valid).toBe(true);
    expect(report[0].diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
  });

  it('rejects tox without its template repository', async () => {
    const result = await runSluice(['validate', 'azure-pipelines.yml', '--format', 'json'], { cwd: repositoryFolder('tox-dev/tox') });
    const report = JSON.parse(result.stdout) as { valid: boolean; diagnostics: { code: string; location?: { line: number } }[] }[];

    expect(result.code).toBe(2);
    expect(report[0].valid).toBe(false);
    expect(report[0].diagnostics.map((diagnostic) => diagnostic.code)).toContain('TPL003');
  });
});
