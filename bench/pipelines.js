// Generates the pipelines that the benchmark runs, each in its own git repository.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Steps in the one job of the sequential-steps pipeline. */
export const SEQUENTIAL_STEP_COUNT = 200;

/** Independent jobs, one step each, in the parallel-jobs pipeline. */
export const PARALLEL_JOB_COUNT = 50;

/**
 * Prefix of the display name of every generated step. It tells them apart from
 * the `checkout` step that Sluice adds to each job, which the timings include
 * but the step count does not.
 */
export const BENCH_STEP_PREFIX = 'bench step';

/** YAML for one job of `stepCount` `script: 'true'` steps. */
export function sequentialStepsYaml(stepCount) {
  const lines = ['jobs:', '  - job: Steps', '    steps:'];
  for (let index = 1; index <= stepCount; index += 1) {
    lines.push(`      - script: 'true'`, `        displayName: ${BENCH_STEP_PREFIX} ${index}`);
  }
  return lines.join('\n') + '\n';
}

/** YAML for `jobCount` jobs with no dependencies between them, one `script: 'true'` step each. */
export function parallelJobsYaml(jobCount) {
  const lines = ['jobs:'];
  for (let index = 1; index <= jobCount; index += 1) {
    lines.push(
      `  - job: J${index}`,
      '    steps:',
      `      - script: 'true'`,
      `        displayName: ${BENCH_STEP_PREFIX} of job ${index}`,
    );
  }
  return lines.join('\n') + '\n';
}

/**
 * Writes `yaml` as azure-pipelines.yml into a new git repository at `dir`
 * (one commit on main), because `sluice run` reads the branch and commit from git.
 */
export function createPipelineRepository(dir, yaml) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'azure-pipelines.yml'), yaml);

  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Sluice Bench',
    GIT_AUTHOR_EMAIL: 'bench@sluice.invalid',
    GIT_COMMITTER_NAME: 'Sluice Bench',
    GIT_COMMITTER_EMAIL: 'bench@sluice.invalid',
  };
  for (const args of [['init', '--quiet', '--initial-branch=main'], ['add', '--all'], ['commit', '--quiet', '-m', 'Add pipeline']]) {
    const result = spawnSync('git', args, { cwd: dir, env, encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`git ${args.join(' ')} failed in ${dir}: ${result.stderr || result.error}`);
  }
  return dir;
}
