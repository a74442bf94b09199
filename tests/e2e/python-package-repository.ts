import { execFileSync } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { REPOSITORY_ROOT } from './sluice-install.js';

/** The example this test builds, unchanged on disk; the test works on a copy. */
export const EXAMPLE_DIR = join(REPOSITORY_ROOT, 'examples', 'python-package');

/** The matrix legs kept in the copy: two legs are enough to need both agents. */
export const KEPT_LEGS = ['py311', 'py312'] as const;

/** Title of the test runs that the added PublishTestResults@2 step publishes. */
export const TEST_RUN_TITLE_PREFIX = 'tinyver on Python';

/** Display name of the added step that prints the agent's name. */
export const NAME_STEP = 'Name the agent';

const PUBLISH_STEP = `
          # Added by the end-to-end test: which agent ran the leg, as the job sees it.
          - script: echo "Python $(python.version) ran on agent $(Agent.Name), attempt $(System.JobAttempt)"
            displayName: ${NAME_STEP}

          # Added by the end-to-end test: the server stores the results and serves them.
          - task: PublishTestResults@2
            displayName: Publish the JUnit results
            condition: succeededOrFailed()
            inputs:
              testResultsFormat: JUnit
              testResultsFiles: '**/junit-*.xml'
              searchFolder: $(Common.TestResultsDirectory)
              testRunTitle: ${TEST_RUN_TITLE_PREFIX} $(python.version)
              failTaskOnMissingResultsFile: true
`;

/**
 * Returns the example's pipeline with the py313 and py36 legs removed (two legs keep
 * the run short on two cores), and two steps after the JUnit check: one that
 * prints Agent.Name, and PublishTestResults@2, which the example itself lacks. Throws when the example's text
 * has changed so that an edit no longer applies.
 */
export function testPipelineYaml(original: string): string {
  const legs = /( {12}py313:\n[\s\S]*?)( {10}maxParallel: 2\n)/;
  if (!legs.test(original)) throw new Error('examples/python-package/azure-pipelines.yml: the py313 and py36 legs were not found');
  let yaml = original.replace(legs, '$2');
  const publishStage = '\n  - stage: Publish\n';
  if (!yaml.includes(publishStage)) throw new Error('examples/python-package/azure-pipelines.yml: the Publish stage was not found');
  yaml = yaml.replace(publishStage, `${PUBLISH_STEP}${publishStage}`);
  return yaml;
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', timeout: 30_000 }).trim();
}

/** A git repository made from the example, and the commits the test pushes. */
export interface PythonPackageRepository {
  path: string;
  /** The first commit on main. */
  initial: string;
  /** The commit pushed to main after `initial`. */
  pushed: string;
  /** The pull request's source branch and its head commit, also at refs/pull/<n>/head. */
  featureBranch: string;
  featureHead: string;
  pullRequestNumber: number;
}

/**
 * Copies the example into `path` (no caches or build output), commits it on
 * main with the test's pipeline, then adds one more commit on main and one on
 * a feature branch. GitHub keeps each pull request's head at
 * refs/pull/<n>/head; the copy has that ref too, as the server fetches it.
 */
export function createPythonPackageRepository(path: string, pullRequestNumber: number): PythonPackageRepository {
  const skipped = new Set(['__pycache__', '.pytest_cache', 'build', 'dist', '.venv']);
  cpSync(EXAMPLE_DIR, path, { recursive: true, filter: (source) => !skipped.has(basename(source)) && !source.endsWith('.egg-info') });
  const pipelineFile = join(path, 'azure-pipelines.yml');
  writeFileSync(pipelineFile, testPipelineYaml(readFileSync(pipelineFile, 'utf8')));

  git(path, ['init', '--quiet', '--initial-branch=main']);
  git(path, ['config', 'user.email', 'e2e@sluice.test']);
  git(path, ['config', 'user.name', 'Sluice e2e']);
  git(path, ['config', 'commit.gpgsign', 'false']);
  git(path, ['add', '--all']);
  git(path, ['commit', '--quiet', '-m', 'Import tinyver']);
  const initial = git(path, ['rev-parse', 'HEAD']);

  writeFileSync(join(path, 'README.md'), `${readFileSync(join(path, 'README.md'), 'utf8')}\nPushed to main by the end-to-end test.\n`);
  git(path, ['commit', '--quiet', '-am', 'Document the release process']);
  const pushed = git(path, ['rev-parse', 'HEAD']);

  const featureBranch = 'feature/faster-parse';
  git(path, ['checkout', '--quiet', '-b', featureBranch, initial]);
  writeFileSync(join(path, 'CHANGES.md'), 'Parse versions faster.\n');
  git(path, ['add', 'CHANGES.md']);
  git(path, ['commit', '--quiet', '-m', 'Parse versions faster']);
  const featureHead = git(path, ['rev-parse', 'HEAD']);
  git(path, ['update-ref', `refs/pull/${pullRequestNumber}/head`, featureHead]);
  git(path, ['checkout', '--quiet', 'main']);

  return { path, initial, pushed, featureBranch, featureHead, pullRequestNumber };
}
