import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { finishOldRunRemoval, removeOldRuns } from '../../src/cli/commands/old-run-removal.js';
import { LOCAL_RUNS_KEPT, LocalRunDirectory } from '../../src/store/local-run-directory.js';

const roots: string[] = [];
afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

/** Creates a work dir with `count` run folders, each with a nested workspace and a file. */
async function runDirectoryWithRuns(count: number): Promise<LocalRunDirectory> {
  const root = mkdtempSync(join(tmpdir(), 'sluice-old-runs-'));
  roots.push(root);
  const directory = await LocalRunDirectory.open(root, join(root, 'work'));
  for (let run = 0; run < count; run += 1) {
    const slot = await directory.reserveRun();
    mkdirSync(join(slot.workRoot, '1', 's', '.git'), { recursive: true });
    writeFileSync(join(slot.workRoot, '1', 's', 'file.txt'), `run ${slot.buildId}`);
  }
  return directory;
}

describe('removeOldRuns', () => {
  it('keeps the newest runs and deletes the rest with their files', async () => {
    const directory = await runDirectoryWithRuns(LOCAL_RUNS_KEPT + 3);
    // A folder that is not a run number is never touched.
    mkdirSync(join(directory.root, 'runs', 'notes'));

    const removal = removeOldRuns(directory);
    expect(removal.runCount).toBe(3);
    expect(await removal.done).toBeUndefined();
    expect(removal.finished).toBe(true);
    const left = readdirSync(join(directory.root, 'runs')).sort();
    expect(left).toEqual(['4', '5', '6', '7', '8', 'notes']);
    expect(existsSync(join(directory.root, 'runs', '8', '1', 's', 'file.txt'))).toBe(true);
  });

  it('does nothing while there are no more runs than it keeps', async () => {
    const directory = await runDirectoryWithRuns(LOCAL_RUNS_KEPT);
    const removal = removeOldRuns(directory);
    expect(removal.runCount).toBe(0);
    expect(await removal.done).toBeUndefined();
    expect(readdirSync(join(directory.root, 'runs'))).toHaveLength(LOCAL_RUNS_KEPT);
  });

  it('returns an unreadable runs folder error', async () => {
    const directory = await runDirectoryWithRuns(1);
    rmSync(join(directory.root, 'runs'), { recursive: true });
    writeFileSync(join(directory.root, 'runs'), 'not a folder');
    const error = await removeOldRuns(directory).done;
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toContain(join(directory.root, 'runs'));
  });
});

/** Counts the handles of a kind that keep this process's event loop alive. */
function activeResources(kind: string): number {
  return process.getActiveResourcesInfo().filter((resource) => resource === kind).length;
}

describe('finishOldRunRemoval', () => {
  it.skipIf(process.platform === 'win32')('detaches an unfinished deletion of one run', async () => {
    const directory = await runDirectoryWithRuns(LOCAL_RUNS_KEPT + 1);
    const processesBefore = activeResources('ProcessWrap');
    const removal = removeOldRuns(directory);
    expect(removal.runCount).toBe(1);
    expect(activeResources('ProcessWrap')).toBe(processesBefore + 1);

    // The `rm` child has not exited within the same tick, so it is detached and no longer keeps the event loop alive.
    expect(await finishOldRunRemoval(removal)).toBeUndefined();
    expect(activeResources('ProcessWrap')).toBe(processesBefore);

    // The deletion still runs to its end.
    expect(await removal.done).toBeUndefined();
    expect(existsSync(join(directory.root, 'runs', '1'))).toBe(false);
  });

  it('waits for a deletion of more than one run', async () => {
    const directory = await runDirectoryWithRuns(LOCAL_RUNS_KEPT + 2);
    const removal = removeOldRuns(directory);
    expect(removal.runCount).toBe(2);
    expect(await finishOldRunRemoval(removal)).toBeUndefined();
    expect(removal.finished).toBe(true);
    expect(readdirSync(join(directory.root, 'runs')).sort()).toEqual(['3', '4', '5', '6', '7']);
  });

  it('reports an error found before any deletion started', async () => {
    const directory = await runDirectoryWithRuns(1);
    rmSync(join(directory.root, 'runs'), { recursive: true });
    writeFileSync(join(directory.root, 'runs'), 'not a folder');
    const error = await finishOldRunRemoval(removeOldRuns(directory));
    expect(error).toBeInstanceOf(Error);
    expect(error?.message).toContain(join(directory.root, 'runs'));
  });
});
