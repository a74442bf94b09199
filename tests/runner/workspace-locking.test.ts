import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { prepareWorkspace } from '../../src/runner/workspace.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

function workRoot(): string {
  const root = mkdtempSync(join(tmpdir(), 'sluice-workspace-lock-'));
  roots.push(root);
  return root;
}

describe('prepareWorkspace locking', () => {
  it('gives jobs of one process distinct workspaces and reuses a released one', async () => {
    const root = workRoot();
    const [first, second] = await Promise.all([prepareWorkspace(root, 'stage.A'), prepareWorkspace(root, 'stage.B')]);
    expect(new Set([first.buildDirectory, second.buildDirectory])).toEqual(new Set([join(root, '1'), join(root, '2')]));
    expect(readFileSync(join(first.buildDirectory, '.sluice-lock'), 'utf8')).toMatch(new RegExp(`^${process.pid}:stage\\.[AB]$`));

    const third = await prepareWorkspace(root, 'stage.C');
    expect(third.buildDirectory).toBe(join(root, '3'));

    await first.release();
    expect(existsSync(join(first.buildDirectory, '.sluice-lock'))).toBe(false);
    expect(existsSync(first.tempDirectory)).toBe(false);
    const fourth = await prepareWorkspace(root, 'stage.D');
    expect(fourth.buildDirectory).toBe(first.buildDirectory);
    await Promise.all([second.release(), third.release(), fourth.release()]);
  });

  it('skips live locks, takes over stale ones', async () => {
    const root = workRoot();
    const live = await prepareWorkspace(root, 'stage.Live');
    await live.release();
    // Pid 1 is always alive: the lock counts as held by another process.
    writeFileSync(join(root, '1', '.sluice-lock'), '1:other');
    const next = await prepareWorkspace(root, 'stage.Next');
    expect(next.buildDirectory).toBe(join(root, '2'));

    // A pid above the kernel's maximum (2^22) cannot be running: the stale lock is taken over.
    writeFileSync(join(root, '1', '.sluice-lock'), '99999999:crashed');
    const takeover = await prepareWorkspace(root, 'stage.Takeover');
    expect(takeover.buildDirectory).toBe(join(root, '1'));
    expect(readFileSync(join(root, '1', '.sluice-lock'), 'utf8')).toBe(`${process.pid}:stage.Takeover`);
    await Promise.all([next.release(), takeover.release()]);
  });

  it('release removes a nested temp folder', async () => {
    const root = workRoot();
    const workspace = await prepareWorkspace(root, 'stage.Temp');
    expect(workspace.tempDirectory.startsWith(join(root, '_temp'))).toBe(true);
    writeFileSync(join(workspace.tempDirectory, 'script.sh'), 'true\n');
    mkdirSync(join(workspace.tempDirectory, 'tool', 'bin'), { recursive: true });
    writeFileSync(join(workspace.tempDirectory, 'tool', 'bin', 'run'), 'x');
    await workspace.release();
    expect(existsSync(workspace.tempDirectory)).toBe(false);
  });
});

describe('prepareWorkspace in an owned work root', () => {
  it('numbers new workspaces without locks', async () => {
    const root = workRoot();
    const [first, second] = await Promise.all([prepareWorkspace(root, 'stage.A', undefined, true), prepareWorkspace(root, 'stage.B', undefined, true)]);
    expect([first.buildDirectory, second.buildDirectory]).toEqual([join(root, '1'), join(root, '2')]);
    for (const workspace of [first, second]) {
      for (const folder of [workspace.sourcesDirectory, workspace.artifactStagingDirectory, workspace.binariesDirectory, workspace.testResultsDirectory, workspace.tempDirectory]) {
        expect(existsSync(folder)).toBe(true);
      }
      expect(existsSync(join(workspace.buildDirectory, '.sluice-lock'))).toBe(false);
    }

    writeFileSync(join(first.sourcesDirectory, 'built.txt'), 'output');
    await first.release();
    // A released workspace is not handed out again: the next job gets number 3.
    const third = await prepareWorkspace(root, 'stage.C', undefined, true);
    expect(third.buildDirectory).toBe(join(root, '3'));
    expect(readFileSync(join(first.sourcesDirectory, 'built.txt'), 'utf8')).toBe('output');
    expect(existsSync(first.tempDirectory)).toBe(true);
  });
});
