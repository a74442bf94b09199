import { summarizeTests, type TestRun } from './test-result-model.js';

/**
 * Merges several runs into one run titled `title`, as PublishTestResults@2
 * does with `mergeTestResults: true`. Tests keep their file order; the
 * duration is the sum of the runs' durations, since the files come from
 * separate test processes. Returns undefined for an empty list.
 */
export function mergeTestResults(runs: readonly TestRun[], title: string): TestRun | undefined {
  const first = runs[0];
  if (first === undefined) return undefined;

  const tests = runs.flatMap((run) => run.tests);
  const durationMs = runs.reduce((sum, run) => sum + run.summary.durationMs, 0);
  return {
    title,
    format: first.format,
    files: runs.flatMap((run) => run.files),
    summary: summarizeTests(tests, durationMs),
    tests,
  };
}
