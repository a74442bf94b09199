import type { RunEvent } from '../events/run-event.js';
import type { JobOutcome, JobRequest } from '../runner/job-request.js';

/**
 * The HTTP protocol between `sluice agent` and the server. Every route takes
 * and returns JSON unless noted, with `Authorization: Bearer <token>`: the
 * registration token for `register`, the agent token for everything else.
 */
export const AgentRoutes = {
  register: '/api/agent/register',
  session: '/api/agent/session',
  nextJob: '/api/agent/jobs/next',
  events: (jobId: number) => `/api/agent/jobs/${jobId}/events`,
  heartbeat: (jobId: number) => `/api/agent/jobs/${jobId}/heartbeat`,
  complete: (jobId: number) => `/api/agent/jobs/${jobId}/complete`,
  artifacts: (jobId: number) => `/api/agent/jobs/${jobId}/artifacts`,
  artifact: (jobId: number, name: string) => `/api/agent/jobs/${jobId}/artifacts/${encodeURIComponent(name)}`,
  missingBlobs: (jobId: number) => `/api/agent/jobs/${jobId}/blobs/missing`,
  blob: (jobId: number, sha256: string) => `/api/agent/jobs/${jobId}/blobs/${sha256}`,
} as const;

/** How often an agent sends a heartbeat for each job it runs, in milliseconds. */
export const AGENT_HEARTBEAT_MS = 10_000;

/**
 * Lease an agent requests, as a multiple of its heartbeat interval: two
 * heartbeats may be lost before the server gives the job to another agent.
 */
export const LEASE_HEARTBEATS = 3;

/** Maximum wait of one `jobs/next` long-poll, in seconds. */
export const MAX_POLL_WAIT_SECONDS = 60;

/** Wait of one `jobs/next` long-poll when the agent gives none, in seconds. */
export const DEFAULT_POLL_WAIT_SECONDS = 30;

/** Maximum number of events in one `events` request. The agent's batches are smaller. */
export const MAX_EVENTS_PER_REQUEST = 1000;

/** Body of `POST /api/agent/register`. */
export interface RegisterRequest {
  name: string;
  pool: string;
  /** Capabilities by name; `Agent.OS` is required, as jobs demand it. */
  capabilities: Record<string, string>;
  version?: string;
  /** Take over an agent already registered under this name (its old tokens are revoked). */
  replace?: boolean;
}

/** Response of `register`: the agent token is returned once and cannot be read again. */
export interface RegisterResponse {
  agentId: number;
  name: string;
  pool: string;
  token: string;
}

/** Body of `POST /api/agent/session`, sent when an agent process starts with a stored identity. */
export interface SessionRequest {
  capabilities: Record<string, string>;
  version?: string;
}

/** Response of `session`: the ids of jobs that were leased to the previous process and are queued again. */
export interface SessionResponse {
  agentId: number;
  name: string;
  pool: string;
  requeuedJobIds: number[];
}

/** Body of `POST /api/agent/jobs/next`. */
export interface NextJobRequest {
  /** How long to wait for a job, in seconds (0 to MAX_POLL_WAIT_SECONDS). */
  waitSeconds?: number;
  /** Lease to take on the job, in seconds; renewed by each heartbeat. */
  leaseSeconds: number;
}

/** Response of `jobs/next` when a job was handed out (otherwise 204 No Content). */
export interface NextJobResponse {
  jobId: number;
  runId: number;
  /** How many times the job has been handed to an agent, this time included. */
  attempt: number;
  request: JobRequest;
  runAttempt: number;
  source: { repositoryUrl: string; branch: string; commit: string };
}

/** Body of `POST /api/agent/jobs/:id/events`. */
export interface EventsRequest {
  events: RunEvent[];
}

/** Body of `POST /api/agent/jobs/:id/heartbeat`. */
export interface HeartbeatRequest {
  leaseSeconds: number;
}

/** Answer of a heartbeat. */
export interface HeartbeatResponse {
  /** True when the run is being canceled or the job was withdrawn: the agent stops the job. */
  cancel: boolean;
}

/** Body of `POST /api/agent/jobs/:id/complete`. */
export interface CompleteRequest {
  outcome: JobOutcome;
}

/** One artifact manifest of a run, as `GET /api/agent/jobs/:id/artifacts` lists them. */
export interface RemoteArtifactList {
  artifacts: Array<{ name: string; manifest: unknown }>;
}

/** Returns the lease, in whole seconds, for a heartbeat interval in milliseconds. */
export function leaseSecondsFor(heartbeatMs: number): number {
  return Math.max(1, Math.ceil((heartbeatMs * LEASE_HEARTBEATS) / 1000));
}
