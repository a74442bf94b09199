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
  /** A built-in task could not do its work (a copy, delete, archive or extraction failed). */
  TaskOperationFailed: 'RUN018',
  /** NodeTool or UseNode found no Node.js matching the requested version. */
  NodeVersionNotFound: 'RUN019',
  /** A task input names a service connection or feed that the service connections file does not define. */
  ServiceConnectionNotFound: 'RUN020',
  /** Publishing or downloading a pipeline artifact failed; the message carries the artifact code (ART…). */
  ArtifactStepFailed: 'RUN021',
  /** Cache@2 could not compute its key, restore or save; the message carries the cache code (CCH…). */
  CacheStepFailed: 'RUN022',
  /** PublishTestResults failed the task (a failTask… flag, or an unsupported format). */
  TestResultsFailed: 'RUN023',
  /** PublishCodeCoverageResults found no usable coverage report. */
  CoverageFailed: 'RUN024',
  /** A task package's task.json restrictions rejected a logging command or variable. */
  TaskCommandRestricted: 'RUN025',
  /** A task package's handler could not be run (no handler for this platform, file missing). */
  TaskHandlerFailed: 'RUN026',
} as const;

export type RunnerErrorCodeValue = (typeof RunnerErrorCode)[keyof typeof RunnerErrorCode];
