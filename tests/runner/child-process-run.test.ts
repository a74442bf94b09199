import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { listLiveProcessGroups, runChildProcess, type ProcessExit } from '../../src/runner/child-process-run.js';
import { spawnWithNode } from '../../src/runner/process-spawner.js';
import { MAX_HELPER_PROCESSES, spawnHelperProcessId, spawnWithHelper, startSpawnHelper } from '../../src/runner/spawn-helper.js';
import type { ProcessLaunch, ProcessSpawner } from '../../src/runner/spawned-process.js';
import { cleanupTempDirs, makeTempDir } from './runner-test-helpers.js';

afterAll(cleanupTempDirs);

const BASH = '/bin/bash';

/** Starts through the helper, which must be ready. */
const throughHelper: ProcessSpawner = (launch, onOutput) => {
  const spawned = spawnWithHelper(launch, onOutput);
  if (spawned === undefined) throw new Error('the spawn helper is not ready');
  return spawned;
};

interface Result extends ProcessExit {
  stdout: string[];
  stderr: string[];
}

/** Runs `script` with bash in `cwd` and collects the lines of both streams. */
async function run(spawner: ProcessSpawner, script: string, options: { cwd?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; signal?: AbortSignal; cancelGraceMs?: number } = {}): Promise<Result> {
  const launch: ProcessLaunch = { file: BASH, args: ['--noprofile', '--norc', '-c', script], cwd: options.cwd ?? makeTempDir(), env: options.env ?? { PATH: process.env.PATH } };
  return runLaunch(spawner, launch, options);
}

async function runLaunch(spawner: ProcessSpawner, launch: ProcessLaunch, options: { timeoutMs?: number; signal?: AbortSignal; cancelGraceMs?: number } = {}): Promise<Result> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exit = await runChildProcess(
    launch,
    {
      onLine: (stream, line) => (stream === 'stdout' ? stdout : stderr).push(line),
      timeoutMs: options.timeoutMs,
      signal: options.signal,
      cancelGraceMs: options.cancelGraceMs ?? 5000,
    },
    spawner,
  );
  return { ...exit, stdout, stderr };
}

/**
 * Returns true while a process with `pid` runs. A killed orphan stays a zombie
 * until init reaps it, which this machine's init does late, so state Z counts as ended.
 */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

const spawners: [string, ProcessSpawner][] = [
  ['Node child_process', spawnWithNode],
  ['spawn helper', throughHelper],
];

describe.skipIf(process.platform === 'win32')('runChildProcess', () => {
  it('spawn helper starts with perl', async () => {
    expect(await startSpawnHelper()).toBe(true);
  });

  describe.each(spawners)('through %s', (_name, spawner) => {
    it('streams stdout and stderr lines and the exit code', async () => {
      const result = await run(spawner, 'echo one; echo two >&2; printf "three\\r\\nfour"; exit 3');
      expect(result.stdout).toEqual(['one', 'three', 'four']);
      expect(result.stderr).toEqual(['two']);
      expect(result.exitCode).toBe(3);
      expect(result.signal).toBeUndefined();
      expect(result.startError).toBeUndefined();
    });

    it('reports the signal that ended the process', async () => {
      // The helper ignores SIGINT, so this also shows that its children get the default handling back.
      const result = await run(spawner, 'kill -INT $$; sleep 5');
      expect(result.signal).toBe('SIGINT');
      expect(result.exitCode).toBeUndefined();
    });

    it('passes argv, folder and environment unchanged', async () => {
      const cwd = makeTempDir();
      const argument = `a b "c" 'd' $HOME \\ é\nline`;
      const launch: ProcessLaunch = { file: BASH, args: ['--noprofile', '--norc', '-c', 'printf "%s|" "$@"; echo; pwd; /usr/bin/env | sort', 'name', argument, ''], cwd, env: { ONLY: 'x=y', EMPTY: '', PATH: '/usr/bin:/bin' } };
      const result = await runLaunch(spawner, launch);
      expect(result.stdout[0]).toBe(`${argument.split('\n')[0]}`);
      expect(result.stdout[1]).toBe(`line||`);
      expect(result.stdout[2]).toBe(cwd);
      // bash adds PWD, SHLVL and _ itself; nothing else from this process reaches the child.
      expect(result.stdout.slice(3)).toEqual(['EMPTY=', 'ONLY=x=y', 'PATH=/usr/bin:/bin', `PWD=${cwd}`, 'SHLVL=1', '_=/usr/bin/env']);
    });

    it('starts a session and process group', async () => {
      // Fields 5 and 6 of /proc/PID/stat are the process group and the session.
      const result = await run(spawner, 'read -r -a fields < /proc/$$/stat; echo $$ ${fields[4]} ${fields[5]}');
      const [pid, group, session] = result.stdout[0]!.split(' ');
      expect(group).toBe(pid);
      expect(session).toBe(pid);
    });

    it('gives the process an empty stdin', async () => {
      const result = await run(spawner, 'cat; echo done');
      expect(result.stdout).toEqual(['done']);
    });

    it('reports a missing program as a start error', async () => {
      const result = await runLaunch(spawner, { file: '/nonexistent/program', args: [], cwd: makeTempDir(), env: {} });
      expect(result.startError).toBeInstanceOf(Error);
      expect(result.startError?.message).toBe('spawn /nonexistent/program ENOENT');
      expect((result.startError as NodeJS.ErrnoException).code).toBe('ENOENT');
    });

    it('reports a missing working folder as a start error', async () => {
      const result = await run(spawner, 'true', { cwd: join(makeTempDir(), 'missing') });
      expect((result.startError as NodeJS.ErrnoException).code).toBe('ENOENT');
    });

    it('searches the given PATH for a bare name', async () => {
      const result = await runLaunch(spawner, { file: 'bash', args: ['-c', 'echo found'], cwd: makeTempDir(), env: { PATH: '/nonexistent:/usr/bin:/bin' } });
      expect(result.stdout).toEqual(['found']);
    });

    it('keeps every line of a large output', async () => {
      const result = await run(spawner, 'for ((i = 0; i < 200000; i++)); do echo "line $i of the output"; done');
      expect(result.stdout).toHaveLength(200000);
      expect(result.stdout[199999]).toBe('line 199999 of the output');
    });

    it('kills the whole group on timeout', async () => {
      const folder = makeTempDir();
      const result = await run(spawner, `sleep 30 & echo $! > ${folder}/child; wait`, { timeoutMs: 300 });
      expect(result.timedOut).toBe(true);
      expect(result.signal).toBe('SIGKILL');
      const child = Number(readFileSync(join(folder, 'child'), 'utf8'));
      await expect.poll(() => isRunning(child)).toBe(false);
    });

    it('cancels with SIGINT, then SIGKILL', async () => {
      const controller = new AbortController();
      const folder = makeTempDir();
      const running = run(spawner, `trap 'echo got-int; touch ${folder}/int' INT; echo ready; while true; do sleep 0.05; done`, { signal: controller.signal, cancelGraceMs: 300 });
      await expect.poll(() => listLiveProcessGroups().length).toBeGreaterThan(0);
      // Time for bash to set its trap.
      await new Promise((resolve) => setTimeout(resolve, 200));
      controller.abort();
      const result = await running;
      expect(result.canceled).toBe(true);
      expect(result.stdout).toContain('got-int');
      expect(existsSync(join(folder, 'int'))).toBe(true);
      // The trap does not end the loop, so SIGKILL does after the grace period.
      expect(result.signal).toBe('SIGKILL');
    });

    it('stops waiting for pipes held open', async () => {
      const started = Date.now();
      const result = await run(spawner, '(sleep 20; echo late) & echo early');
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toEqual(['early']);
      // PIPE_DRAIN_TIMEOUT_MS is 2 s; the background sleep would take 20.
      expect(Date.now() - started).toBeLessThan(15000);
    });
  });

  it('spawn helper is off with SLUICE_SPAWN_HELPER=off', async () => {
    expect(await startSpawnHelper()).toBe(true);
    const launch: ProcessLaunch = { file: BASH, args: ['-c', 'true'], cwd: makeTempDir(), env: {} };
    process.env.SLUICE_SPAWN_HELPER = 'off';
    try {
      expect(spawnWithHelper(launch, () => undefined)).toBeUndefined();
      expect(await startSpawnHelper()).toBe(false);
    } finally {
      delete process.env.SLUICE_SPAWN_HELPER;
    }
  });

  it('leaves processes beyond the limit to Node child_process', async () => {
    expect(await startSpawnHelper()).toBe(true);
    const launch: ProcessLaunch = { file: '/bin/sleep', args: ['30'], cwd: makeTempDir(), env: {} };
    const spawned = [];
    for (let index = 0; index < MAX_HELPER_PROCESSES; index += 1) spawned.push(spawnWithHelper(launch, () => undefined));
    expect(spawned.every((process) => process !== undefined)).toBe(true);
    expect(spawnWithHelper(launch, () => undefined)).toBeUndefined();

    const starts = await Promise.all(spawned.map((process) => process!.started));
    for (const start of starts) if ('pid' in start) process.kill(-start.pid, 'SIGKILL');
    const ends = await Promise.all(spawned.map((process) => process!.exited));
    expect(ends.every((end) => end.signal === 'SIGKILL')).toBe(true);
    await Promise.all(spawned.map((process) => process!.drained));
  });

  it('leaves input with a NUL byte to Node child_process', async () => {
    expect(await startSpawnHelper()).toBe(true);
    const launch: ProcessLaunch = { file: BASH, args: ['-c', 'true'], cwd: makeTempDir(), env: { BAD: 'a\0b' } };
    expect(spawnWithHelper(launch, () => undefined)).toBeUndefined();
    // Node rejects it with its own error, which runChildProcess reports as a start error.
    const result = await runLaunch(spawnWithNode, launch);
    expect(result.startError).toBeInstanceOf(Error);
  });

  it('falls back to Node child_process once the helper stopped', async () => {
    expect(await startSpawnHelper()).toBe(true);
    const running = run(throughHelper, 'sleep 30');
    const helperPid = spawnHelperProcessId();
    expect(helperPid).toBeDefined();
    await expect.poll(() => listLiveProcessGroups().length).toBeGreaterThan(0);
    process.kill(helperPid!, 'SIGKILL');
    // The running process lost its pipes, so it is killed and ends as SIGKILL.
    const result = await running;
    expect(result.signal).toBe('SIGKILL');
    const launch: ProcessLaunch = { file: BASH, args: ['-c', 'echo after'], cwd: makeTempDir(), env: {} };
    expect(spawnWithHelper(launch, () => undefined)).toBeUndefined();
    expect(await startSpawnHelper()).toBe(false);
  });
});
