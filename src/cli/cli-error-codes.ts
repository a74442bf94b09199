/**
 * Error codes the CLI itself reports, before a pipeline is loaded or planned.
 * Codes are never reused; a retired code stays here, marked as retired.
 */
export const CliErrorCodes = {
  /** A `task:` step names a task that this machine's runner cannot execute. */
  unsupportedTask: 'CLI001',
  /** No pipeline file was given and none of the default names exist. */
  pipelineFileNotFound: 'CLI002',
  /** An option value is malformed, such as `--variable` without `=`. */
  invalidOption: 'CLI003',
  /** A file the command was asked to write (such as `sluice schema --output`) could not be written. */
  outputFileNotWritable: 'CLI004',
  /** `sluice repo add` could not connect to the server URL. */
  serverUnreachable: 'CLI005',
  /** `sluice serve` could not listen on the requested address. */
  listenFailed: 'CLI006',
} as const;
