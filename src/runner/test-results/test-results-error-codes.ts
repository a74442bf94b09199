/**
 * Stable codes for problems found while reading test results files. A code is
 * never reused for another meaning.
 */
export const TestResultsErrorCode = {
  /** A results file is not well-formed XML. */
  NotXml: 'TRS001',
  /** A results file is XML, but its root element is not one of the selected format. */
  UnknownRootElement: 'TRS002',
  /** No file matched `testResultsFiles` under `searchFolder`. */
  NoResultsFiles: 'TRS003',
  /** A results file could not be read (permissions, removed while reading). */
  ReadFailed: 'TRS004',
  /** `testResultsFormat` is not one Sluice parses. */
  UnsupportedFormat: 'TRS005',
  /** The results contain failed tests and `failTaskOnFailedTests` is true. */
  FailedTests: 'TRS006',
  /** A results file is larger than the size Sluice reads. */
  FileTooLarge: 'TRS007',
} as const;

export type TestResultsErrorCodeValue = (typeof TestResultsErrorCode)[keyof typeof TestResultsErrorCode];
