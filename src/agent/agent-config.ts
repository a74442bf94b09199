import { arch, hostname } from 'node:os';
import { resolve } from 'node:path';
import { AgentError, AgentErrorCode } from './agent-error-codes.js';
import { AGENT_HEARTBEAT_MS, DEFAULT_POLL_WAIT_SECONDS, MAX_POLL_WAIT_SECONDS } from './agent-protocol.js';

/** Pool an agent joins when `--pool` is not given: Azure's default self-hosted pool. */
export const DEFAULT_AGENT_POOL = 'Default';

/** Options of `sluice agent` as the command line passes them (strings before parsing). */
export interface AgentCommandOptions {
  /** Server base URL, such as `http://ci.example:8080`. */
  url?: string;
  /** Registration token (`slr_…`); needed only until the agent has registered. */
  token?: string;
  /** Agent name; default the host name. */
  name?: string;
  /** Extra capabilities as `key=value` (repeatable). */
  capability?: string[];
  /** Pool to take jobs from; default `Default`. */
  pool?: string;
  /** Work folder for identity, sources, workspaces and artifacts; default `_work` in the current folder. */
  work?: string;
  /** Jobs run at once; default 1. */
  jobs?: string;
  /** Heartbeat interval in milliseconds; default AGENT_HEARTBEAT_MS. */
  heartbeatInterval?: string;
  /** Longest wait of one long-poll, in seconds; default DEFAULT_POLL_WAIT_SECONDS. */
  pollWait?: string;
  /** Take over an agent already registered under the same name. */
  replace?: boolean;
}

/** The agent's settings after parsing. */
export interface AgentConfig {
  url: string;
  registrationToken?: string;
  name: string;
  pool: string;
  /** Capabilities sent at registration: the detected ones and `--capability` values, which win. */
  capabilities: Record<string, string>;
  workDir: string;
  jobs: number;
  heartbeatMs: number;
  pollWaitSeconds: number;
  replace: boolean;
  version: string;
}

/** Parses the command-line options; throws AgentError AGT001 listing every invalid option. */
export function parseAgentConfig(options: AgentCommandOptions, cwd: string, version: string): AgentConfig {
  const problems: string[] = [];

  const url = options.url ?? '';
  if (url === '') problems.push('--url is required: the server address, such as http://127.0.0.1:8080');
  else if (!/^https?:\/\/[^\s/]+/.test(url)) problems.push(`--url '${url}' is invalid: expected an http:// or https:// address`);

  const capabilities: Record<string, string> = { ...detectedCapabilities(options.name ?? hostname(), version) };
  for (const entry of options.capability ?? []) {
    const separator = entry.indexOf('=');
    if (separator <= 0) problems.push(`--capability '${entry}' is invalid: expected key=value, such as python=3.12`);
    else capabilities[entry.slice(0, separator).trim()] = entry.slice(separator + 1).trim();
  }

  const jobs = wholeNumber(options.jobs, 1, 1, 64, '--jobs', problems);
  const heartbeatMs = wholeNumber(options.heartbeatInterval, AGENT_HEARTBEAT_MS, 100, 600_000, '--heartbeat-interval', problems);
  const pollWaitSeconds = wholeNumber(options.pollWait, DEFAULT_POLL_WAIT_SECONDS, 1, MAX_POLL_WAIT_SECONDS, '--poll-wait', problems);
  const name = options.name ?? hostname();
  if (name.trim() === '' || /[/\\]/.test(name)) problems.push(`--name '${name}' is invalid: expected a name without slashes`);
  const pool = options.pool ?? DEFAULT_AGENT_POOL;
  if (pool.trim() === '') problems.push('--pool is empty: expected a pool name, such as Default');

  if (problems.length > 0) {
    throw new AgentError(AgentErrorCode.InvalidOption, problems.join('\n'), 'run sluice agent --help for the options');
  }
  const config: AgentConfig = {
    url,
    name,
    pool,
    capabilities,
    workDir: resolve(cwd, options.work ?? '_work'),
    jobs,
    heartbeatMs,
    pollWaitSeconds,
    replace: options.replace === true,
    version,
  };
  if (options.token !== undefined && options.token !== '') config.registrationToken = options.token;
  return config;
}

/**
 * Capabilities every agent reports, named as Azure's agent names them
 * (learn.microsoft.com/azure/devops/pipelines/build/variables, Agent.* variables).
 * NOTE: Azure's agent also reports every environment variable as a
 * capability; Sluice does not, because environment variables often hold secrets.
 */
export function detectedCapabilities(name: string, version: string): Record<string, string> {
  return {
    'Agent.Name': name,
    'Agent.OS': agentOs(),
    'Agent.OSArchitecture': arch() === 'arm64' ? 'ARM64' : arch() === 'x64' ? 'X64' : arch().toUpperCase(),
    'Agent.ComputerName': hostname(),
    'Agent.Version': version,
    node: process.versions.node,
  };
}

/** Agent.OS as Azure reports it: Linux, Darwin or Windows_NT. */
export function agentOs(): string {
  if (process.platform === 'win32') return 'Windows_NT';
  if (process.platform === 'darwin') return 'Darwin';
  return 'Linux';
}

function wholeNumber(text: string | undefined, fallback: number, min: number, max: number, option: string, problems: string[]): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (/^\d+$/.test(text) && value >= min && value <= max) return value;
  problems.push(`${option} '${text}' is invalid: expected a whole number from ${min} to ${max}`);
  return fallback;
}
