import { stat } from 'node:fs/promises';
import type { ContainerResource } from '../../language/pipeline/pipeline-model.js';
import type { ContainerEngine } from './container-engine.js';

/** Path of the engine socket inside a job container, where the Azure agent mounts it and Docker clients look first. */
export const CONTAINER_SOCKET_PATH = '/var/run/docker.sock';

/** The `--volume` arguments for a job container's engine socket, and a line for the job log. */
export interface EngineSocketMount {
  args: string[];
  message: string;
}

/**
 * Mounts the socket of the engine Sluice talks to at /var/run/docker.sock in
 * the job container, unless the container sets `mapDockerSocket: false`. Azure
 * mounts the socket into container jobs by default ("Set this flag to false to
 * force the agent not to setup the /var/run/docker.sock volume on container
 * jobs", learn.microsoft.com/azure/devops/pipelines/yaml-schema/jobs-job-container).
 * The socket is mounted only when it exists as a socket, because Docker would
 * otherwise create an empty folder at that host path. With Podman it is the API
 * socket of `podman system service`, which speaks the Docker API.
 */
export async function engineSocketMount(engine: ContainerEngine, container: ContainerResource): Promise<EngineSocketMount> {
  if (container.mapDockerSocket === false) {
    return { args: [], message: `Engine socket not mapped into '${container.alias}' (mapDockerSocket: false)` };
  }

  const socket = engine.socketPath;
  if (socket === undefined) {
    return { args: [], message: `Engine socket not mapped into '${container.alias}': the engine address ${engine.address} is not a unix socket` };
  }
  const isSocket = await stat(socket).then(
    (info) => info.isSocket(),
    () => false,
  );
  if (!isSocket) {
    return { args: [], message: `Engine socket not mapped into '${container.alias}': no socket at ${socket}` };
  }
  return { args: ['--volume', `${socket}:${CONTAINER_SOCKET_PATH}`], message: `Mapping engine socket ${socket} to ${CONTAINER_SOCKET_PATH} in '${container.alias}'` };
}
