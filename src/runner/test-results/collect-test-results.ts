import type { Diagnostic } from '../../language/diagnostic.js';
import { findMatchingFiles } from './find-matching-files.js';
import { mergeTestResults } from './merge-test-results.js';
import { readTestResultsFile } from './read-test-results-file.js';
import { TestResultsErrorCode } from './test-results-error-codes.js';
import { TEST_RESULTS_FORMATS, type MaskSecrets, type TestResultsFormat, type TestRun } from './test-result-model.js';
import { testRunTitle } from './test-run-title.js';

/** Default of the `testResultsFiles` input of PublishTestResults@2. */
export const DEFAULT_TEST_RESULTS_FILES = '**/TEST-*.xml';

/**
 * Inputs of PublishTestResults@2 that decide what is read and when the task
 * fails. Defaults are the task's: every `failTask*` flag is false.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/publish-test-results-v2
 */
export interface CollectTestResultsOptions {
  /** `testResultsFormat` (alias `testRunner`); compared without case. */
  format: string;
  /** Multi-line minimatch patterns with `!` excludes; defaults to `**\/TEST-*.xml`. */
  testResultsFiles?: string;
  /** Folder relative patterns start from (`System.DefaultWorkingDirectory` by default, resolved by the caller). */
  searchFolder: string;
  mergeTestResults?: boolean;
  testRunTitle?: string;
  /** Id of the pipeline run, used in the default title. */
  runId: string | number;
  failTaskOnFailedTests?: boolean;
  failTaskOnFailureToPublishResults?: boolean;
  failTaskOnMissingResultsFile?: boolean;
  maskSecrets: MaskSecrets;
  signal?: AbortSignal;
}

/** Runs read by {@link collectTestResults}, with every problem found and the task's result. */
export interface CollectedTestResults {
  runs: TestRun[];
  files: string[];
  /** Problems as warnings, or as errors when a `failTask*` flag makes them fail the task. */
  diagnostics: Diagnostic[];
  /** True when the task fails: some diagnostic has severity `error`. */
  failed: boolean;
}

/**
 * Finds, reads and groups test results files as PublishTestResults@2 does.
 * A missing file or an unreadable file is a warning unless the matching
 * `failTask*` flag is set, and every readable file is still published. Failed
 * tests fail the task only with `failTaskOnFailedTests`.
 */
export async function collectTestResults(options: CollectTestResultsOptions): Promise<CollectedTestResults> {
  const diagnostics: Diagnostic[] = [];
  const finish = (runs: TestRun[], files: string[]): CollectedTestResults => ({
    runs,
    files,
    diagnostics,
    failed: diagnostics.some((item) => item.severity === 'error'),
  });

  const format = TEST_RESULTS_FORMATS.find((name) => name.toLowerCase() === options.format.trim().toLowerCase());
  if (format === undefined) {
    diagnostics.push({
      code: TestResultsErrorCode.UnsupportedFormat,
      severity: 'error',
      message: `testResultsFormat '${options.maskSecrets(options.format)}' is not supported`,
      hint: `use one of ${TEST_RESULTS_FORMATS.join(', ')}`,
    });
    return finish([], []);
  }

  const patterns = options.testResultsFiles?.trim() ? options.testResultsFiles : DEFAULT_TEST_RESULTS_FILES;
  const files = await findMatchingFiles(patterns, { searchFolder: options.searchFolder, signal: options.signal });
  if (files.length === 0) {
    diagnostics.push({
      code: TestResultsErrorCode.NoResultsFiles,
      severity: options.failTaskOnMissingResultsFile ? 'error' : 'warning',
      message: options.maskSecrets(`no test results files matched '${patterns.trim().replace(/\r?\n/g, ', ')}' in '${options.searchFolder}'`),
      hint: 'check testResultsFiles and searchFolder, and that the test step wrote its results before this step',
    });
    return finish([], files);
  }

  const runs = await readRuns(files, format, options, diagnostics);
  const published = options.mergeTestResults
    ? [mergeTestResults(runs, options.maskSecrets(testRunTitle({ title: options.testRunTitle, format, runId: options.runId })))].filter(
        (run): run is TestRun => run !== undefined,
      )
    : runs;

  const failedTests = published.reduce((sum, run) => sum + run.summary.failed, 0);
  if (options.failTaskOnFailedTests && failedTests > 0) {
    diagnostics.push({
      code: TestResultsErrorCode.FailedTests,
      severity: 'error',
      message: `${failedTests} test(s) failed`,
      hint: 'fix the failing tests, or set failTaskOnFailedTests: false to publish without failing the task',
    });
  }
  return finish(published, files);
}

async function readRuns(
  files: readonly string[],
  format: TestResultsFormat,
  options: CollectTestResultsOptions,
  diagnostics: Diagnostic[],
): Promise<TestRun[]> {
  const runs: TestRun[] = [];
  for (const [index, file] of files.entries()) {
    options.signal?.throwIfAborted();
    const fileIndex = options.mergeTestResults || files.length === 1 ? undefined : index + 1;
    const title = testRunTitle({ title: options.testRunTitle, format, runId: options.runId, fileIndex });
    const result = await readTestResultsFile(file, format, title, options.maskSecrets);
    if (result.run !== undefined) runs.push(result.run);
    else diagnostics.push({ ...result.problem, severity: options.failTaskOnFailureToPublishResults ? 'error' : 'warning' });
  }
  return runs;
}
