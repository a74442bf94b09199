import { isStoreError } from '../store/store-error.js';
import { StoreErrorCode } from '../store/store-error-codes.js';
import { ServerErrorCodes, type ServerErrorCode, type ServerErrorKind } from './server-error-codes.js';

/** The JSON body of every error response. */
export interface ApiErrorBody {
  error: {
    code: string;
    message: string;
    /** What the caller can do about it. */
    hint?: string;
  };
}

/** An error a route reports to the API caller, with a stable code and an HTTP status. */
export class ApiError extends Error {
  readonly code: ServerErrorCode;
  readonly status: number;

  constructor(
    kind: ServerErrorKind,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
    this.code = ServerErrorCodes[kind].code;
    this.status = ServerErrorCodes[kind].status;
  }
}

/**
 * Maps any error to a status and a JSON body. Store errors a caller can fix
 * keep their STORE code; anything else is a bug and is reported as SRV010
 * without its message, because a driver message may contain a connection string.
 */
export function toErrorResponse(error: unknown): { status: number; body: ApiErrorBody; isBug: boolean } {
  if (error instanceof ApiError) {
    return { status: error.status, body: errorBody(error.code, error.message, error.hint), isBug: false };
  }
  if (isStoreError(error)) {
    const status = STORE_STATUS[error.code];
    if (status !== undefined) return { status, body: errorBody(error.code, error.message, error.hint), isBug: false };
  }
  const clientError = fastifyClientError(error);
  if (clientError !== undefined) {
    return { status: clientError.status, body: errorBody(ServerErrorCodes.invalidRequest.code, clientError.message, 'see docs/api.md for the request format'), isBug: false };
  }
  return {
    status: 500,
    body: errorBody(ServerErrorCodes.internal.code, 'internal error in Sluice; the server log has the details', 'report it with the server log lines of this request'),
    isBug: true,
  };
}

const STORE_STATUS: Partial<Record<string, number>> = {
  [StoreErrorCode.NotFound]: 404,
  [StoreErrorCode.AlreadyExists]: 409,
  [StoreErrorCode.InvalidLineRange]: 416,
  [StoreErrorCode.InvalidArgument]: 400,
  [StoreErrorCode.LeaseLost]: 409,
};

function errorBody(code: string, message: string, hint?: string): ApiErrorBody {
  return hint === undefined ? { error: { code, message } } : { error: { code, message, hint } };
}

/** Fastify's schema validation and body parsing errors carry a 4xx statusCode and a message without secrets. */
function fastifyClientError(error: unknown): { status: number; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate = error as { statusCode?: unknown; message?: unknown };
  if (typeof candidate.statusCode !== 'number' || candidate.statusCode < 400 || candidate.statusCode >= 500) return undefined;
  if (typeof candidate.message !== 'string') return undefined;
  return { status: candidate.statusCode, message: candidate.message };
}
