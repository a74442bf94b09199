import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/cli-io.js';
import { runExpandCommand } from '../../src/cli/commands/expand-command.js';
import { runSluice } from '../helpers/run-sluice.js';
import { corpusPipelines, goldenFileName, pipelineName, repositoriesOf, repositoryFolder, type CorpusEntry } from './corpus-pipelines.js';

/*
 * Compares `sluice expand` output of every corpus pipeline that expands with
 * the golden file tests/corpus/expanded/<owner>__<repo>__<path>.yml, byte for
 * byte. SLUICE_UPDATE_GOLDEN=1 rewrites the golden files instead; review the
 * diff before keeping it. Pipelines that do not expand are listed with the
 * reason in corpus-validation.test.ts; here they only must not have a golden file.
 */

const GOLDEN_FOLDER = fileURLToPath(new URL('./expanded/', import.meta.url));
const UPDATE = process.env.SLUICE_UPDATE_GOLDEN === '1';

/** Every expansion uses this branch, so conditions on Build.SourceBranch do not depend on where the corpus is. */
const BRANCH = 'main';

/** Pipelines that `sluice expand` rejects, with the reason (the same ones as in corpus-validation.test.ts, except
 * pip's macos.yml, whose unknown dependsOn only planning finds). */
const NOT_EXPANDED: Record<string, string> = {
  'AArnott/Library.Template azure-pipelines/archive-sourcecode.yml': 'MicroBuildTemplate repository not in the corpus',
  'AArnott/Library.Template azure-pipelines/libtemplate-update.yml': 'MicroBuildTemplate repository not in the corpus',
  'AArnott/Library.Template azure-pipelines/official.yml': 'MicroBuildTemplate repository not in the corpus',
  'AArnott/Library.Template azure-pipelines/release.yml': 'MicroBuildTemplate repository not in the corpus',
  'AArnott/Library.Template azure-pipelines/unofficial.yml': 'MicroBuildTemplate repository not in the corpus',
  'AArnott/Library.Template azure-pipelines/vs-insertion.yml': 'MicroBuildTemplate repository not in the corpus',
  'AArnott/Library.Template azure-pipelines/vs-validation.yml': 'MicroBuildTemplate repository not in the corpus',
  'marshmallow-code/marshmallow azure-pipelines.yml': 'sloria template repository not in the corpus',
  'numpy/numpy azure-pipelines.yml': 'unterminated quoted string in azure-steps-windows.yml',
  'scipy/scipy azure-pipelines.yml': 'unknown template parameter "asv_check"',
  'microsoft/DirectXTK .azuredevops/pipelines/DirectXTK-OneFuzz-Coverage.yml': 'required runtime parameters without values',
};

/** Runs `sluice expand` in-process as the CLI would for the pipeline, and returns its exit code and output. */
async function expand(entry: CorpusEntry): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    isTerminal: false,
    color: false,
    cwd: repositoryFolder(entry.repo),
  };
  const repository = Object.entries(repositoriesOf(entry)).map(([alias, folder]) => `${alias}=${folder}`);
  const code = await runExpandCommand(entry.path, { repository, branch: BRANCH, sourceDir: '.' }, io);
  return { code, stdout, stderr };
}

const pipelines = corpusPipelines();

describe('corpus expansion golden files', () => {
  it('keeps no golden file without a pipeline', () => {
    const expected = new Set(pipelines.filter((entry) => !(pipelineName(entry) in NOT_EXPANDED)).map(goldenFileName));
    const present = existsSync(GOLDEN_FOLDER) ? readdirSync(GOLDEN_FOLDER) : [];

    expect(present.filter((file) => !expected.has(file))).toEqual([]);
  });

  for (const entry of pipelines) {
    const name = pipelineName(entry);
    it(name, async () => {
      const result = await expand(entry);
      const golden = path.join(GOLDEN_FOLDER, goldenFileName(entry));

      if (name in NOT_EXPANDED) {
        expect(result.code, NOT_EXPANDED[name]).toBe(2);
        expect(result.stdout).toBe('');
        return;
      }
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toContain('${{');

      if (UPDATE) {
        mkdirSync(GOLDEN_FOLDER, { recursive: true });
        writeFileSync(golden, result.stdout);
        return;
      }
      expect(existsSync(golden), `${golden} is missing; run with SLUICE_UPDATE_GOLDEN=1 to write it`).toBe(true);
      expect(result.stdout).toBe(readFileSync(golden, 'utf8'));
    });
  }

  it('matches the CLI output for tox', async () => {
    const entry = pipelines.find((candidate) => pipelineName(candidate) === 'tox-dev/tox azure-pipelines.yml');
    expect(entry).toBeDefined();
    const cwd = repositoryFolder(entry!.repo);
    const repositoryOptions = Object.entries(repositoriesOf(entry!)).flatMap(([alias, folder]) => ['--repository', `${alias}=${folder}`]);

    const result = await runSluice(['expand', entry!.path, '--branch', BRANCH, '--source-dir', '.', ...repositoryOptions], { cwd });

    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(readFileSync(path.join(GOLDEN_FOLDER, goldenFileName(entry!)), 'utf8'));
  });
});
