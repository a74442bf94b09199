import type { Logger } from 'pino';
import type { JobExecutor } from '../runner/job-request.js';
import { AgentClient, ServerResponseError, isTransientError, retryDelayMs } from './agent-client.js';
import type { AgentConfig } from './agent-config.js';
import { AgentError, AgentErrorCode } from './agent-error-codes.js';
import { loadIdentity, saveIdentity, type AgentIdentity } from './agent-identity.js';
import { AgentRoutes, leaseSecondsFor, type NextJobResponse, type RegisterResponse, type SessionResponse } from './agent-protocol.js';
import { sleep } from './event-uploader.js';

/** What `runAgent` needs besides the configuration. */
export interface RunAgentOptions {
  logger: Logger;
  /** Aborting it stops the agent: no new jobs, running jobs are canceled and report as canceled. */
  signal: AbortSignal;
  /** Runs each job; default a LocalJobRunner. */
  executor?: JobExecutor;
}

/**
 * Runs `sluice agent` until `signal` aborts: registers (or resumes the
 * identity stored in the work folder), then takes jobs with long-polls, up to
 * `config.jobs` at a time. Resolves once every running job has reported.
 * Throws AgentError when registration is impossible or the server rejects
 * the agent's token.
 */
export async function runAgent(config: AgentConfig, options: RunAgentOptions): Promise<void> {
  const { logger, signal } = options;
  const identity = await connect(config, logger, signal);
  if (identity === undefined) return;
  const client = new AgentClient(config.url, identity.token);
  const executor = options.executor ?? lazyLocalJobRunner(identity.name);
  logger.info({ agentId: identity.agentId, pool: identity.pool, slots: config.jobs, workDir: config.workDir }, 'agent started; waiting for jobs');

  const fatal = new AbortController();
  const stop = AbortSignal.any([signal, fatal.signal]);
  let fatalError: Error | undefined;
  const slot = async (index: number): Promise<void> => {
    let failures = 0;
    while (!stop.aborted) {
      let assignment: NextJobResponse | undefined;
      try {
        assignment = await client.json<NextJobResponse>('POST', AgentRoutes.nextJob, { waitSeconds: config.pollWaitSeconds, leaseSeconds: leaseSecondsFor(config.heartbeatMs) }, stop);
        failures = 0;
      } catch (error) {
        if (stop.aborted) break;
        if (error instanceof ServerResponseError && (error.status === 401 || error.status === 403)) {
          fatalError = new AgentError(AgentErrorCode.RegistrationFailed, `the server rejected the agent token: ${error.message}`, 'register the agent again with --token and a new registration token', { cause: error });
          fatal.abort();
          break;
        }
        failures += 1;
        const delayMs = retryDelayMs(failures);
        logger.warn({ err: error, slot: index, delayMs }, 'asking for a job failed; retrying');
        await sleep(delayMs, stop);
        continue;
      }
      if (assignment === undefined) continue;
      // NOTE: a job claimed just as the agent stops is never started; its lease expires and it counts as a lost attempt.
      const { runAgentJob } = await loadJobModule();
      await runAgentJob({ client, logger, executor, workDir: config.workDir, heartbeatMs: config.heartbeatMs, shutdownSignal: signal }, assignment);
    }
  };
  await Promise.all(Array.from({ length: config.jobs }, (_, index) => slot(index)));
  logger.info({ agentId: identity.agentId }, 'agent stopped');
  if (fatalError !== undefined) throw fatalError;
}

/**
 * Resumes the identity stored in the work folder, or registers with the
 * registration token and stores the new identity. Retries while the server
 * is unreachable; returns undefined when `signal` aborts first.
 */
async function connect(config: AgentConfig, logger: Logger, signal: AbortSignal): Promise<AgentIdentity | undefined> {
  for (let attempt = 1; !signal.aborted; attempt += 1) {
    try {
      return await resumeOrRegister(config, logger);
    } catch (error) {
      if (!isTransientError(error)) throw error;
      const delayMs = retryDelayMs(attempt);
      logger.warn({ err: error, attempt, delayMs, url: config.url }, 'cannot reach the server; retrying');
      await sleep(delayMs, signal);
    }
  }
  return undefined;
}

async function resumeOrRegister(config: AgentConfig, logger: Logger): Promise<AgentIdentity> {
  const stored = await loadIdentity(config.workDir, config.url);
  if (stored !== undefined && stored.name === config.name && stored.pool === config.pool) {
    try {
      const session = await new AgentClient(config.url, stored.token).json<SessionResponse>('POST', AgentRoutes.session, { capabilities: config.capabilities, version: config.version });
      if (session !== undefined && session.requeuedJobIds.length > 0) logger.warn({ jobIds: session.requeuedJobIds }, 'jobs of the previous agent process were queued again');
      logger.info({ agentId: stored.agentId, name: stored.name }, 'resumed the stored agent identity');
      return stored;
    } catch (error) {
      if (!(error instanceof ServerResponseError) || error.status !== 401) throw error;
      logger.warn({ agentId: stored.agentId }, 'the server rejected the stored agent token; registering again');
    }
  }

  if (config.registrationToken === undefined) {
    throw new AgentError(
      AgentErrorCode.RegistrationFailed,
      stored === undefined ? `no agent identity is stored in ${config.workDir}, and no registration token was given` : 'the stored agent identity is not valid for this name and pool, and no registration token was given',
      'pass --token or set SLUICE_AGENT_TOKEN to a registration token (an admin creates one with POST /api/tokens, kind agentRegistration)',
    );
  }
  const client = new AgentClient(config.url, config.registrationToken);
  let answer: RegisterResponse | undefined;
  try {
    answer = await client.json<RegisterResponse>('POST', AgentRoutes.register, {
      name: config.name,
      pool: config.pool,
      capabilities: config.capabilities,
      version: config.version,
      // The stored identity is this machine's own earlier registration under the same name.
      replace: config.replace || stored?.name === config.name,
    });
  } catch (error) {
    if (!(error instanceof ServerResponseError) || error.isTransient) throw error;
    throw new AgentError(AgentErrorCode.RegistrationFailed, `registration was rejected: ${error.code} ${error.message}`, error.hint ?? 'check the registration token and the agent name', { cause: error });
  }
  if (answer === undefined) throw new AgentError(AgentErrorCode.ProtocolError, 'the server returned an empty response to the registration');
  const identity: AgentIdentity = { url: config.url, agentId: answer.agentId, name: answer.name, pool: answer.pool, token: answer.token };
  await saveIdentity(config.workDir, identity);
  logger.info({ agentId: identity.agentId, name: identity.name, pool: identity.pool }, 'agent registered');
  return identity;
}

let jobModule: Promise<typeof import('./agent-job.js')> | undefined;

/**
 * Imports the code that runs a job (sources, event upload, artifacts) with the
 * first job, so an idle agent does not load it.
 */
function loadJobModule(): Promise<typeof import('./agent-job.js')> {
  jobModule ??= import('./agent-job.js');
  return jobModule;
}

/**
 * Returns an executor that imports the LocalJobRunner with the first job.
 * Importing the runner, its tasks and the expression engine added 9 MB of RSS
 * (Node 20, measured with process.memoryUsage), which an idle agent does not need.
 */
function lazyLocalJobRunner(agentName: string): JobExecutor {
  let runner: Promise<JobExecutor> | undefined;
  return {
    async runJob(request, sink, signal) {
      runner ??= import('../runner/local-job-runner.js').then(({ LocalJobRunner }) => new LocalJobRunner({ agentName }));
      return (await runner).runJob(request, sink, signal);
    },
  };
}
