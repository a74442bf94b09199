import type { TestResultsFormat } from './test-result-model.js';

/** Inputs of {@link testRunTitle}. */
export interface TestRunTitleInput {
  /** The task's `testRunTitle` input; blank means not set. */
  title?: string;
  format: TestResultsFormat;
  /** Id of the pipeline run (`Build.BuildId`). */
  runId: string | number;
  /** 1-based position of the file when each file is its own run and there are several. */
  fileIndex?: number;
}

/**
 * Returns the title of a test run: the `testRunTitle` input when set,
 * otherwise `<format>_TestResults_<runId>`. When several unmerged files share
 * one title, each gets its position appended (` 2`, ` 3`) so runs stay apart;
 * the first keeps the plain title.
 */
export function testRunTitle(input: TestRunTitleInput): string {
  const base = input.title?.trim() || `${input.format}_TestResults_${input.runId}`;
  return input.fileIndex === undefined || input.fileIndex <= 1 ? base : `${base} ${input.fileIndex}`;
}
