import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { CHECKOUT_GIT_TIMEOUT_MS } from '../source-checkout.js';

const execFileAsync = promisify(execFile);

/**
 * Runs one git command for a checkout and returns its stdout. The command is
 * killed after CHECKOUT_GIT_TIMEOUT_MS; a non-zero exit rejects with git's stderr.
 * GIT_TERMINAL_PROMPT=0 keeps git from waiting for credentials that a local run never has.
 */
export async function runGit(cwd: string, args: readonly string[]): Promise<string> {
  const { stdout } = await execFileAsync('git', [...args], {
    cwd,
    timeout: CHECKOUT_GIT_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: 64 * 1024 * 1024,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  });
  return stdout;
}

/** Returns true when `dir` is the top level of a git work tree. */
export async function isRepositoryRoot(dir: string): Promise<boolean> {
  try {
    const topLevel = (await runGit(dir, ['rev-parse', '--show-toplevel'])).trim();
    const here = (await runGit(dir, ['rev-parse', '--show-prefix'])).trim();
    return topLevel !== '' && here === '';
  } catch {
    return false;
  }
}

/** Returns the first line of a git failure, without the command line that execFile puts first. */
export function gitFailure(error: unknown): string {
  const stderr = (error as { stderr?: string }).stderr?.trim();
  if (stderr) return stderr.split('\n').filter((line) => line.trim() !== '').slice(-1)[0] ?? stderr;
  return ((error as Error).message ?? String(error)).split('\n')[0] ?? '';
}
