import { destination, pino } from 'pino';
import { AgentError } from '../../agent/agent-error-codes.js';
import { parseAgentConfig, type AgentCommandOptions } from '../../agent/agent-config.js';
import { runAgent } from '../../agent/sluice-agent.js';
import { ExitCode, type CliIo } from '../cli-io.js';
import { formatCliError } from '../cli-error-message.js';

export type { AgentCommandOptions } from '../../agent/agent-config.js';

/** Environment variable that gives `sluice agent` its registration token when --token is absent. */
export const AGENT_TOKEN_VARIABLE = 'SLUICE_AGENT_TOKEN';

/**
 * `sluice agent`: registers with the server (or resumes the identity stored
 * in `--work`) and runs the jobs it hands out until SIGTERM, SIGINT or
 * `signal`. The first signal cancels the running jobs and reports them; a
 * second one exits at once. Logs JSON lines (pino) to standard error.
 * Returns the exit code.
 */
export async function runAgentCommand(options: AgentCommandOptions, io: CliIo, version: string, signal?: AbortSignal): Promise<number> {
  let config;
  try {
    // The environment keeps the token out of the process list that `ps` shows.
    config = parseAgentConfig({ ...options, token: options.token ?? process.env[AGENT_TOKEN_VARIABLE] }, io.cwd, version);
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    io.stderr(formatCliError(error.code, error.message, error.hint));
    return ExitCode.invalidInput;
  }

  const logger = pino({ base: { agent: config.name }, level: process.env.SLUICE_LOG_LEVEL ?? 'info' }, destination({ fd: 2, sync: true }));
  const stop = new AbortController();
  let signals = 0;
  const onSignal = (name: NodeJS.Signals): void => {
    signals += 1;
    if (signals > 1) process.exit(ExitCode.canceled);
    logger.info({ signal: name }, 'stopping: running jobs are canceled and reported');
    stop.abort();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  signal?.addEventListener('abort', () => stop.abort(), { once: true });
  try {
    await runAgent(config, { logger, signal: stop.signal });
    return ExitCode.success;
  } catch (error) {
    if (!(error instanceof AgentError)) throw error;
    logger.error({ code: error.code, hint: error.hint }, error.message);
    io.stderr(formatCliError(error.code, error.message, error.hint));
    return ExitCode.invalidInput;
  } finally {
    process.off('SIGTERM', onSignal);
    process.off('SIGINT', onSignal);
  }
}
