/**
 * Stable codes for problems with container jobs and service containers. A code
 * is never reused for another meaning.
 */
export const ContainerErrorCode = {
  /** The container engine command (`docker` or `podman`) is not installed or not on PATH. */
  EngineNotInstalled: 'CTR001',
  /** The engine command exists but no daemon responds at its address (DOCKER_HOST, or CONTAINER_HOST for Podman). */
  EngineNotRunning: 'CTR002',
  /** The image is not in the local engine; Sluice does not pull images. */
  ImageMissing: 'CTR003',
  /** `create` or `start` of a job or service container failed, or the container exited at once. */
  ContainerStartFailed: 'CTR004',
  /** A service container did not become healthy (or running) within the health timeout. */
  ServiceNotHealthy: 'CTR005',
  /** A step `target` names a container that this job does not have. */
  UnknownStepTarget: 'CTR006',
  /** A `ports:` entry is invalid or binds to an address other than 127.0.0.1. */
  InvalidPortMapping: 'CTR007',
  /** An engine command did not finish within its timeout. */
  EngineCommandTimedOut: 'CTR008',
  /** Removing the job's containers after the job failed; they may be left behind. */
  CleanupFailed: 'CTR009',
  /** An engine command failed for another reason; the message contains the engine's output. */
  EngineCommandFailed: 'CTR010',
  /** The `options:` string of a container has an unterminated quote. */
  InvalidOptions: 'CTR011',
} as const;

export type ContainerErrorCodeValue = (typeof ContainerErrorCode)[keyof typeof ContainerErrorCode];

/** An error with a container error code. Its message states what failed and how to fix it. */
export class ContainerError extends Error {
  constructor(
    readonly code: ContainerErrorCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'ContainerError';
  }
}
