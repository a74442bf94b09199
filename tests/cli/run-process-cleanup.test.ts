import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createTempRepository, type TempRepository } from '../helpers/temp-repository.js';
import { runSluice, SLUICE_BIN } from '../helpers/run-sluice.js';

const repositories: TempRepository[] = [];
const leftovers: number[] = [];
const folders: string[] = [];
afterEach(() => {
  // A failed test must not leave the trapping step running on the machine.
  for (const pid of leftovers.splice(0)) killQuietly(pid);
  while (repositories.length > 0) repositories.pop()!.remove();
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

/** A repository whose pipeline has the trapping step, and the file the step writes its pid to. */
function trappingRepository(): { repo: TempRepository; pidFile: string; workDir: string } {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-cleanup-'));
  folders.push(folder);
  const pidFile = join(folder, 'step.pid');
  const repo = createTempRepository({ 'azure-pipelines.yml': trappingPipeline(pidFile) });
  repositories.push(repo);
  return { repo, pidFile, workDir: join(folder, 'work') };
}

/** The step's own "ready" line; the script listing before it also contains the word. */
const READY_LINE = /^\[[^\]]+\] ready$/m;

/** A step that ignores SIGINT, writes its pid to a file, then prints "ready" and loops. */
function trappingPipeline(pidFile: string): string {
  return [
    'jobs:',
    '- job: Stubborn',
    '  cancelTimeoutInMinutes: 3',
    '  steps:',
    '  - bash: |',
    "      trap 'echo got SIGINT, carrying on' INT",
    `      echo $$ > '${pidFile}'`,
    // The list is made before "ready": a SIGINT during `$(seq …)` would kill that subshell and empty the loop.
    '      ticks=$(seq 1 600)',
    '      echo ready',
    '      for i in $ticks; do echo tick $i; sleep 0.2 || true; done',
    '    displayName: Traps INT',
    '',
  ].join('\n');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

/** Reads the step's pid once the step has written it. */
function readPid(pidFile: string): number {
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  leftovers.push(pid);
  return pid;
}

/** Waits until `pid` is gone, for at most `attempts` × 50 ms, and returns whether it is. */
async function waitGone(pid: number, attempts = 200): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return !isAlive(pid);
}

describe('sluice run process cleanup', () => {
  it('second Ctrl-C kills a step that traps SIGINT', async () => {
    const { repo, pidFile, workDir } = trappingRepository();

    let interrupts = 0;
    let trapped = false;
    const result = await runSluice(['run', '--verbose', '--work-dir', workDir], {
      cwd: repo.path,
      onStdout: (text, child) => {
        if (interrupts === 0 && READY_LINE.test(text) && existsSync(pidFile)) {
          interrupts = 1;
          child.kill('SIGINT');
          return;
        }
        // A tick after the trap ran shows the step is still alive when the second Ctrl-C comes.
        const trapAt = text.indexOf('got SIGINT, carrying on');
        if (interrupts === 1 && trapAt >= 0) trapped = true;
        const afterTrap = trapAt >= 0 ? text.slice(trapAt) : text;
        if (trapped && interrupts === 1 && /\] tick \d+$/m.test(afterTrap)) {
          interrupts = 2;
          child.kill('SIGINT');
        }
      },
    });

    expect(interrupts).toBe(2);
    expect(result.code).toBe(130);
    expect(result.stderr).toContain('steps get SIGINT now and are killed after 3 minutes');
    expect(result.stderr).toContain('Killed 1 step process group with SIGKILL');
    const pid = readPid(pidFile);
    expect(result.stderr).toContain(`killed process group ${pid}:`);
    expect(await waitGone(pid)).toBe(true);
  });

  it('closed stdout cancels the run and kills its steps', async () => {
    const { repo, pidFile, workDir } = trappingRepository();

    // The reader closes its end once the step is ready, as `sluice run | head` does.
    const child = spawn(process.execPath, [SLUICE_BIN, 'run', '--verbose', '--work-dir', workDir], {
      cwd: repo.path,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    child.stdout.setEncoding('utf8').on('data', (text: string) => {
      if (READY_LINE.test(text)) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));

    expect(code).toBe(141);
    expect(stderr).not.toMatch(/EPIPE|at PlainReporter/);
    const pid = readPid(pidFile);
    expect(stderr).toContain(`killed process group ${pid}:`);
    expect(await waitGone(pid)).toBe(true);
  });

  it('schema piped into a closed reader exits quietly', async () => {
    const child = spawn(process.execPath, [SLUICE_BIN, 'schema'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    // Closing before the first read leaves no pipe buffer to absorb the output.
    child.stdout.destroy();
    const code = await new Promise<number | null>((resolve) => child.on('close', (exitCode) => resolve(exitCode)));

    expect(code).toBe(141);
    expect(stderr).toBe('');
  });
});
