/**
 * Test result formats that PublishTestResults@2 accepts in `testResultsFormat`
 * (alias `testRunner`). CTest is accepted by Azure but not parsed by Sluice yet.
 * Source: learn.microsoft.com/azure/devops/pipelines/tasks/reference/publish-test-results-v2
 */
export type TestResultsFormat = 'JUnit' | 'NUnit' | 'VSTest' | 'XUnit';

/** Formats that Sluice parses, in the spelling of the task input. */
export const TEST_RESULTS_FORMATS: readonly TestResultsFormat[] = ['JUnit', 'NUnit', 'VSTest', 'XUnit'];

/**
 * Outcome of one test. An error (an unexpected exception, JUnit `<error>`) counts
 * as `failed`, as in Azure's Tests tab; `failureKind` keeps the difference.
 */
export type TestOutcome = 'passed' | 'failed' | 'skipped';

/** One test case as reported by a results file. */
export interface TestCaseResult {
  name: string;
  /** Class, fixture or suite that contains the test; empty when the format has none. */
  className: string;
  /** Duration in milliseconds, or 0 when the file has no duration. */
  durationMs: number;
  outcome: TestOutcome;
  /** `failure` for a failed assertion, `error` for an unexpected error; only set when failed. */
  failureKind?: 'failure' | 'error';
  /** Failure message, or the reason a test was skipped. */
  message?: string;
  stackTrace?: string;
  /** Standard output captured for the test. */
  stdout?: string;
  /** Standard error captured for the test. */
  stderr?: string;
}

/** Counts and duration of a run. `failed` includes errors. */
export interface TestRunSummary {
  total: number;
  passed: number;
  failed: number;
  skipped: number;
  /** Duration in milliseconds. */
  durationMs: number;
}

/** The tests of one run: one results file, or several merged files. */
export interface TestRun {
  title: string;
  format: TestResultsFormat;
  /** Absolute paths of the files the run was read from. */
  files: string[];
  summary: TestRunSummary;
  tests: TestCaseResult[];
}

/** Replaces secret values in a text; applied to every string before it is returned. */
export type MaskSecrets = (text: string) => string;

/** Adds up the outcomes of `tests`; the duration comes from the caller because formats store it differently. */
export function summarizeTests(tests: readonly TestCaseResult[], durationMs: number): TestRunSummary {
  const summary: TestRunSummary = { total: tests.length, passed: 0, failed: 0, skipped: 0, durationMs };
  for (const test of tests) summary[test.outcome] += 1;
  return summary;
}

/** Applies `mask` to every text field of a test case. */
export function maskTestCase(test: TestCaseResult, mask: MaskSecrets): TestCaseResult {
  const masked: TestCaseResult = { ...test, name: mask(test.name), className: mask(test.className) };
  for (const key of ['message', 'stackTrace', 'stdout', 'stderr'] as const) {
    const value = test[key];
    if (value !== undefined) masked[key] = mask(value);
  }
  return masked;
}
