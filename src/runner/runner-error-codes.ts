/**
 * Stable codes for problems the runner reports (issue `code` fields and step
 * reasons). A code is never reused for another meaning.
 */
export const RunnerErrorCode = {
  /** A pwsh or powershell step ran on a machine without PowerShell Core. */
  PowerShellNotFound: 'RUN001',
  /** A step ran longer than its `timeoutInMinutes`. */
  StepTimedOut: 'RUN002',
  /** A step's process ended with a non-zero exit code. */
  NonZeroExitCode: 'RUN003',
  /** A step with `failOnStderr: true` wrote to standard error. */
  StderrWritten: 'RUN004',
  /** `task.setvariable` on a read-only variable. */
  ReadOnlyVariable: 'RUN005',
  /** A `##vso[...]` command that the runner does not know. */
  UnknownLoggingCommand: 'RUN006',
  /** A known logging command with a missing or invalid property. */
  InvalidLoggingCommand: 'RUN007',
  /** UsePythonVersion found no interpreter matching `versionSpec`. */
  PythonVersionNotFound: 'RUN008',
  /** A task, or a major version of it, that the runner cannot run. */
  UnsupportedTask: 'RUN009',
  /** Copying or reading the sources for `checkout` failed. */
  CheckoutFailed: 'RUN010',
  /** A step's `workingDirectory` does not exist. */
  WorkingDirectoryNotFound: 'RUN011',
  /** A secret value with a line break, which cannot be masked line by line. */
  MultiLineSecret: 'RUN012',
  /** A step type the local runner does not execute (`publish`, `download`, other repositories). */
  UnsupportedStep: 'RUN013',
  /** A step `condition` that could not be evaluated. */
  InvalidCondition: 'RUN014',
  /** The job ran longer than its `timeoutInMinutes`. */
  JobTimedOut: 'RUN015',
  /** A required task input is missing or has an invalid value. */
  InvalidTaskInput: 'RUN016',
  /** The step's process could not be started (shell missing, permission denied). */
  ProcessStartFailed: 'RUN017',
} as const;

export type RunnerErrorCodeValue = (typeof RunnerErrorCode)[keyof typeof RunnerErrorCode];
