import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, two levels above this file. */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** The `sluice` entry point; it imports the compiled CLI from dist/. */
export const SLUICE_BIN = join(REPO_ROOT, 'bin', 'sluice.js');

// Stops a hung run from blocking the suite. It is no performance check, because a
// whole example run (build, four test legs, publish) takes far less.
const RUN_TIMEOUT_MS = 240_000;

// Files a local build of the example leaves behind; a clone must not carry them.
const IGNORED_NAMES = new Set(['build', 'dist', '__pycache__', '.sluice', '.pytest_cache', '.venv']);

/** What a finished `sluice` process printed and how it ended. */
export interface SluiceProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** A temporary folder with a copy of an example as a git repository, and room for run workspaces. */
export interface ExampleCheckout {
  /** The temporary folder; removing it removes everything below. */
  root: string;
  /** `root/repo`: the git repository, one commit on branch `main`. */
  repository: string;
  /** `root/runs`: for `sluice run --work-dir`, outside the sources that Sluice copies. */
  workDir: string;
}

/**
 * Copies an example folder into a new temporary git repository with one commit
 * on branch `main`, as a fresh clone of a project would look.
 */
export function createExampleCheckout(exampleDir: string): ExampleCheckout {
  const root = mkdtempSync(join(tmpdir(), `sluice-${basename(exampleDir)}-`));
  const repository = join(root, 'repo');
  cpSync(exampleDir, repository, {
    recursive: true,
    filter: (source) => !IGNORED_NAMES.has(basename(source)) && !source.endsWith('.egg-info'),
  });

  git(repository, ['init', '--quiet', '--initial-branch=main']);
  git(repository, ['add', '--all']);
  git(repository, ['commit', '--quiet', '--message', 'Import the example project']);
  return { root, repository, workDir: join(root, 'runs') };
}

/** Runs git in `cwd` with a fixed identity, throwing with git's output if it fails. */
export function git(cwd: string, args: string[]): string {
  const result = spawnSync('git', args, {
    cwd,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Sluice Tests',
      GIT_AUTHOR_EMAIL: 'tests@sluice.invalid',
      GIT_COMMITTER_NAME: 'Sluice Tests',
      GIT_COMMITTER_EMAIL: 'tests@sluice.invalid',
    },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    throw new Error(`git ${args.join(' ')} failed with exit code ${result.status}: ${result.stderr}`);
  }
  return result.stdout;
}

/**
 * Runs `node bin/sluice.js ARGS` in `cwd` as a real child process and collects its
 * output. The process gets its own process group, so a timeout kills the steps it
 * started as well. `env` adds to (or overrides) this process's environment.
 */
export async function runSluice(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<SluiceProcessResult> {
  if (!existsSync(join(REPO_ROOT, 'dist', 'cli', 'main.js'))) {
    throw new Error('dist/cli/main.js is missing: run `npm run build` before these tests');
  }

  const child = spawn(process.execPath, [SLUICE_BIN, ...args], {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));

  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL');
  }, RUN_TIMEOUT_MS);

  try {
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolveExit, rejectExit) => {
      child.once('error', rejectExit);
      child.once('close', (code, closeSignal) => resolveExit([code, closeSignal]));
    });
    return {
      exitCode,
      signal,
      stdout: Buffer.concat(stdout).toString('utf8'),
      stderr: Buffer.concat(stderr).toString('utf8'),
      timedOut,
    };
  } finally {
    clearTimeout(timer);
  }
}
