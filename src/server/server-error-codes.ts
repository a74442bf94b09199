/**
 * Stable codes of the errors the HTTP API returns, with their HTTP status.
 * A code is never reused; docs/api.md lists the same codes.
 */
export const ServerErrorCodes = {
  /** The request has no `Authorization: Bearer` token, or the token is unknown, revoked or expired. */
  unauthorized: { code: 'SRV001', status: 401 },
  /** The token is valid but its kind may not use this route (a personal token on an admin route). */
  forbidden: { code: 'SRV002', status: 403 },
  /** No pipeline, run, record, artifact or agent with the given id or name. */
  notFound: { code: 'SRV003', status: 404 },
  /** The body, a path parameter or a query parameter is invalid. */
  invalidRequest: { code: 'SRV004', status: 400 },
  /** Something with the same unique name or identity exists already, with other content. */
  conflict: { code: 'SRV005', status: 409 },
  /** The branch or commit to run does not exist in the repository. */
  revisionNotFound: { code: 'SRV006', status: 422 },
  /** Fetching or reading the pipeline's git repository failed. */
  repositoryFailed: { code: 'SRV007', status: 502 },
  /** The run is in a state that does not allow the request (re-running a run that is still in progress). */
  invalidRunState: { code: 'SRV008', status: 409 },
  /** The server is shutting down and takes no new runs or jobs. */
  shuttingDown: { code: 'SRV009', status: 503 },
  /** A bug in Sluice: the message states it, and the server log contains the details. */
  internal: { code: 'SRV010', status: 500 },
  /** The requested log line range is empty or starts before line 1. */
  invalidLineRange: { code: 'SRV011', status: 416 },
} as const;

export type ServerErrorKind = keyof typeof ServerErrorCodes;
export type ServerErrorCode = (typeof ServerErrorCodes)[ServerErrorKind]['code'];
