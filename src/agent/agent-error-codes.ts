/**
 * Stable codes of the errors `sluice agent` reports, on its log and in the
 * reasons of the jobs it fails. A code is never reused.
 */
export const AgentErrorCode = {
  /** A command-line option is missing or invalid. */
  InvalidOption: 'AGT001',
  /** Registration was rejected: the registration token or the agent name was not accepted. */
  RegistrationFailed: 'AGT002',
  /** The server answered a protocol request with an error that retrying cannot fix. */
  ProtocolError: 'AGT003',
  /** The job's events did not fit the upload buffer because the server stayed unreachable too long. */
  EventBufferFull: 'AGT004',
  /** The job's sources could not be fetched from its repository. */
  SourceFetchFailed: 'AGT005',
  /** Downloading or uploading the run's pipeline artifacts failed. */
  ArtifactSyncFailed: 'AGT006',
  /** The server took the job away: its lease expired or it was given to another agent. */
  LeaseLost: 'AGT007',
  /** The identity file under the work folder is unreadable. */
  InvalidIdentity: 'AGT008',
} as const;

export type AgentErrorCodeValue = (typeof AgentErrorCode)[keyof typeof AgentErrorCode];

/** An error of the agent process with its stable code and what to do about it. */
export class AgentError extends Error {
  constructor(
    readonly code: AgentErrorCodeValue,
    message: string,
    readonly hint?: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AgentError';
  }
}
