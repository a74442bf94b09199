import { spawn } from 'node:child_process';
import { killProcessGroup } from '../runner/child-process-run.js';

/** Longest time one git command of the server may take, in milliseconds (a first clone of a large repository). */
export const GIT_COMMAND_TIMEOUT_MS = 10 * 60_000;

/** Most bytes of a git command's output kept; a `git show` of a pipeline file is far below it. */
const MAX_OUTPUT_BYTES = 16 * 1024 * 1024;

/** A git command that exited with a non-zero status, timed out, or could not start. */
export class GitCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number | undefined,
    readonly stderr: string,
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}

/**
 * Runs git in its own process group and returns its standard output. On
 * timeout the whole group (git and the remote helpers it started) is killed.
 * Git never prompts for credentials, and the `ext::` transport is refused,
 * because repository URLs come from API callers.
 */
export async function runGit(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<string> {
  const timeoutMs = options.timeoutMs ?? GIT_COMMAND_TIMEOUT_MS;
  const child = spawn('git', ['-c', 'protocol.ext.allow=never', ...args], {
    cwd: options.cwd,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_ASKPASS: '', SSH_ASKPASS: '', GIT_SSH_COMMAND: 'ssh -o BatchMode=yes' },
  });

  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  let stdoutBytes = 0;
  child.stdout.on('data', (chunk: Buffer) => {
    stdoutBytes += chunk.length;
    if (stdoutBytes <= MAX_OUTPUT_BYTES) stdout.push(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) killProcessGroup(child.pid, 'SIGKILL');
  }, timeoutMs);

  const exitCode = await new Promise<number | undefined>((resolve) => {
    child.once('error', () => resolve(undefined));
    child.once('close', (code) => resolve(code ?? undefined));
  }).finally(() => clearTimeout(timer));

  const errorText = Buffer.concat(stderr).toString('utf8').trim();
  if (timedOut) throw new GitCommandError(`git ${args[0]} timed out after ${timeoutMs / 1000} seconds`, exitCode, errorText);
  if (exitCode !== 0) throw new GitCommandError(`git ${args[0]} failed with exit code ${exitCode ?? 'unknown'}: ${lastLines(errorText)}`, exitCode, errorText);
  return Buffer.concat(stdout).toString('utf8');
}

/** Replaces the user and password of a URL with `***`, for messages and logs. */
export function redactUrl(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@');
}

function lastLines(text: string): string {
  return redactUrl(text.split('\n').slice(-3).join(' ').trim());
}
