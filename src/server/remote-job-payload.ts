import type { JobOutcome, JobRequest } from '../runner/job-request.js';
import type { PoolDefinition } from '../language/pipeline/pipeline-model.js';
import type { QueuedJob } from '../store/job-queue.js';
import type { SecretBox } from '../store/secret-box.js';

/**
 * Pool of jobs whose YAML names no pool: Azure's self-hosted default pool is
 * called `Default` (learn.microsoft.com …/pipelines/agents/pools-queues).
 */
export const DEFAULT_POOL = 'Default';

/**
 * Pool of `vmImage:` jobs. In Azure these run on the Microsoft-hosted pool,
 * named `Azure Pipelines`; on a Sluice server an agent serves it instead.
 */
export const HOSTED_POOL = 'Azure Pipelines';

/** Source location of a run, for an agent that cannot read the server's checkout. */
export interface RemoteJobSource {
  /** The pipeline's repository URL or path, as registered. */
  repositoryUrl: string;
  /** Full ref, as in Build.SourceBranch. */
  branch: string;
  /** Commit SHA, as in Build.SourceVersion. */
  commit: string;
}

/**
 * Payload of one job in the job queue (the store keeps it as opaque JSON).
 * `request.source.path` and `request.workRoot` are paths on the server; an
 * agent on another machine replaces them with its own checkout and folder.
 */
export interface RemoteJobPayload {
  /** The request as the runner takes it; in the store, secret variable values are sealed (see `sealedVariables`). */
  request: JobRequest;
  /** Names of secret variables whose value in the stored request is a SecretBox envelope. */
  sealedVariables?: string[];
  /** The run attempt the job belongs to: 1, then 2 and up for each re-run of failed jobs. */
  runAttempt: number;
  source: RemoteJobSource;
}

/** Returns the queue pool of a job: the YAML pool name, else `Azure Pipelines` for `vmImage`, else `Default`. */
export function jobPool(pool: PoolDefinition | undefined): string {
  if (pool?.name !== undefined && pool.name !== '') return pool.name;
  if (pool?.vmImage !== undefined) return HOSTED_POOL;
  return DEFAULT_POOL;
}

/**
 * Returns the image that a job queued in the hosted pool requests, which the job
 * queue matches against agent capabilities; undefined for jobs of other pools,
 * because a named self-hosted pool ignores `vmImage` in Azure too.
 */
export function jobVmImage(pool: PoolDefinition | undefined): string | undefined {
  return jobPool(pool) === HOSTED_POOL && pool?.vmImage !== undefined && pool.vmImage !== '' ? pool.vmImage : undefined;
}

/** Reads the payload of a queued job; throws when it is not one the server wrote. */
export function readJobPayload(job: QueuedJob): RemoteJobPayload {
  const payload = job.payload as Partial<RemoteJobPayload> | null;
  if (payload === null || typeof payload !== 'object' || payload.request === undefined || typeof payload.runAttempt !== 'number') {
    throw new Error(`bug: job ${job.id} has a payload that is not a RemoteJobPayload`);
  }
  return payload as RemoteJobPayload;
}

/** Returns the outcome of a job that has no stored outcome (lost agents, cancellation). */
export function outcomeWithoutDetails(result: JobOutcome['result'], reason?: string): JobOutcome {
  return reason === undefined ? { result, outputs: {}, variables: {} } : { result, reason, outputs: {}, variables: {} };
}

/** Returns the payload to store: secret variable values encrypted with the server key, so the queue never contains them in clear. */
export function sealJobPayload(payload: RemoteJobPayload, secrets: SecretBox): RemoteJobPayload {
  const variables = { ...payload.request.variables };
  const sealed: string[] = [];
  for (const [name, variable] of Object.entries(variables)) {
    if (!variable.isSecret) continue;
    variables[name] = { ...variable, value: secrets.seal(variable.value, variableContext(payload.request.runId, name)) };
    sealed.push(name);
  }
  return { ...payload, request: { ...payload.request, variables }, sealedVariables: sealed };
}

/** Returns the payload with secret variable values decrypted, for the agent that runs the job. */
export function openJobPayload(payload: RemoteJobPayload, secrets: SecretBox): RemoteJobPayload {
  const variables = { ...payload.request.variables };
  for (const name of payload.sealedVariables ?? []) {
    const variable = variables[name];
    if (variable !== undefined) variables[name] = { ...variable, value: secrets.open(variable.value, variableContext(payload.request.runId, name)) };
  }
  return { ...payload, request: { ...payload.request, variables }, sealedVariables: [] };
}

function variableContext(runId: string, name: string): string {
  return `job variable ${name} of run ${runId}`;
}
