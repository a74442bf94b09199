import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const REPOSITORY_ROOT = resolve(import.meta.dirname, '../..');

/**
 * Bundles agent-process.ts once per test file into node_modules/.cache, so
 * that node resolves the external packages from the repository's node_modules.
 */
export async function bundleAgentProcess(): Promise<string> {
  const outdir = join(REPOSITORY_ROOT, 'node_modules', '.cache', 'sluice-agent-tests');
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(REPOSITORY_ROOT, 'tests', 'agent', 'agent-process.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile: join(outdir, 'agent-process.mjs'),
    logLevel: 'warning',
  });
  return join(outdir, 'agent-process.mjs');
}

/** A running `sluice agent` child process with its collected standard error (pino JSON lines). */
export interface AgentProcess {
  name: string;
  child: ChildProcess;
  stderr(): string;
  /** Resolves with the exit code or signal once the process has exited. */
  exited: Promise<number | NodeJS.Signals | null>;
}

/** Starts an agent process with a short heartbeat, so lost leases are noticed within seconds. */
export function startAgentProcess(
  bundle: string,
  options: { url: string; token: string; name: string; work: string; capabilities?: Record<string, string>; pool?: string; tokenInEnvironment?: boolean },
): AgentProcess {
  const args = [bundle, '--url', options.url, '--name', options.name, '--work', options.work, '--heartbeat-interval', '300', '--poll-wait', '5'];
  if (options.tokenInEnvironment !== true) args.push('--token', options.token);
  if (options.pool !== undefined) args.push('--pool', options.pool);
  for (const [key, value] of Object.entries(options.capabilities ?? {})) args.push('--capability', `${key}=${value}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, SLUICE_LOG_LEVEL: 'debug', ...(options.tokenInEnvironment === true ? { SLUICE_AGENT_TOKEN: options.token } : {}) } });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<number | NodeJS.Signals | null>((resolveExit) => child.on('exit', (code, signal) => resolveExit(code ?? signal)));
  return { name: options.name, child, stderr: () => stderr, exited };
}

/** Stops an agent with SIGTERM (or kills it) and waits for it to exit. */
export async function stopAgentProcess(agent: AgentProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (agent.child.exitCode !== null || agent.child.signalCode !== null) return;
  agent.child.kill(signal);
  await agent.exited;
}
