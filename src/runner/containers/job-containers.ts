import { existsSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import type { JobOutcome } from '../job-request.js';
import type { JobRunContext } from '../job-run-context.js';
import { ContainerError, ContainerErrorCode } from './container-error-codes.js';
import type { SamePathMount } from './container-create-args.js';
import { startContainerJob } from './container-job-session.js';

function isInside(parent: string, child: string): boolean {
  const path = relative(resolve(parent), resolve(child));
  return path === '' || (!path.startsWith('..') && !isAbsolute(path));
}

/** Returns the tool cache that UsePythonVersion searches: the runner's configured Python tool cache, else Agent.ToolsDirectory. */
export function toolCacheDirectory(context: JobRunContext): string | undefined {
  return context.options.pythonSearch.toolsDirectory ?? context.job.variables.value('Agent.ToolsDirectory');
}

/**
 * Host folders mounted at the same path in the job's containers: the workspace
 * (Pipeline.Workspace, read-only with `mountReadOnly.work`), the job's temp
 * folder (always writable, because step scripts are written there), the
 * sources when the checkout runs in place outside the workspace, and the tool
 * cache when it exists on the host. The Azure agent mounts the tool cache too,
 * at /__t (azure-pipelines-agent, src/Agent.Sdk/ContainerInfo.cs). Sluice keeps
 * the host path, so Agent.ToolsDirectory is valid on the host and in the container.
 */
export function jobContainerMounts(context: JobRunContext): SamePathMount[] {
  const { workspace, request } = context;
  const mounts: SamePathMount[] = [
    { path: workspace.buildDirectory, readOnly: request.container?.mountReadOnly?.work === true },
    { path: workspace.tempDirectory, readOnly: false },
  ];
  if (!isInside(workspace.buildDirectory, context.sourcesDirectory)) mounts.push({ path: context.sourcesDirectory, readOnly: false });
  const tools = toolCacheDirectory(context);
  // NOTE: the tool cache is mounted read-only, so a tool installer that runs inside the container cannot add versions to it.
  // A missing folder is not mounted, because the engine would create it on the host as root.
  if (tools && existsSync(tools) && !mounts.some((mount) => isInside(mount.path, tools))) mounts.push({ path: tools, readOnly: true });
  return mounts;
}

/**
 * Starts the job container and service containers of `context.request`, if it
 * has any, before the first step. Sets Agent.ContainerMapping and, for each
 * published service port, `agent.services.<alias>.ports.<port>` to the host port.
 * Returns the job's outcome when the containers could not start, else undefined
 * and `context.containers` is set.
 * NOTE: the variable name `agent.services.<alias>.ports.<port>` is not verified against the Azure docs.
 */
export async function startJobContainers(context: JobRunContext): Promise<JobOutcome | undefined> {
  const { request, job, control } = context;
  const services = request.services ?? {};
  if (request.container === undefined && Object.keys(services).length === 0) return undefined;

  const log = (line: string, kind?: 'command' | 'warning' | 'error'): void => job.events.log(request.record.id, 'system', line, kind);
  try {
    context.containers = await startContainerJob(
      context.options.containerEngine,
      { container: request.container, services, mounts: jobContainerMounts(context), healthTimeoutMs: context.options.serviceHealthTimeoutMs },
      log,
      control.signal,
    );
  } catch (error) {
    if (control.canceled) return { result: 'canceled', reason: control.cancelReason ?? 'the job was canceled', outputs: {}, variables: {} };
    const failure = error instanceof ContainerError ? error : new ContainerError(ContainerErrorCode.EngineCommandFailed, (error as Error).message);
    job.events.issue(request.record.id, 'error', failure.message, { code: failure.code });
    return { result: 'failed', reason: job.masker.mask(`${failure.code}: ${failure.message}`), outputs: {}, variables: {} };
  }

  job.variables.set('Agent.ContainerMapping', context.containers.containerMapping(), { readonly: true });
  for (const [alias, ports] of Object.entries(context.containers.servicePorts)) {
    for (const [containerPort, hostPort] of Object.entries(ports)) {
      job.variables.set(`agent.services.${alias}.ports.${containerPort}`, hostPort, { readonly: true });
    }
  }
  return undefined;
}

/**
 * Removes the job's containers after the last step, also after a failure or
 * cancel. A service that stopped during the job gets its log written first, and
 * a failed removal becomes a warning.
 */
export async function removeJobContainers(context: JobRunContext): Promise<void> {
  const session = context.containers;
  if (!session) return;
  const { request, job } = context;
  await session.reportStoppedServices((line, kind) => job.events.log(request.record.id, 'system', line, kind));
  const failure = await session.remove();
  if (failure) context.job.events.issue(context.request.record.id, 'warning', failure.message, { code: failure.code });
}
