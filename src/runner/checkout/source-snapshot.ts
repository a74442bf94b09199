import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { fileStamp } from '../git-files.js';
import { readSharedClonePlan, type SharedClonePlan } from './shared-clone.js';

const execFileAsync = promisify(execFile);

/** Maximum time the file listing of a snapshot may take before git is killed. */
const LIST_TIMEOUT_MS = 120_000;

/** Largest `git ls-files` output accepted, in bytes. */
const MAX_LIST_BYTES = 256 * 1024 * 1024;

/**
 * Snapshots kept at once. Each run needs one per source it copies, and a server
 * runs a few runs at a time; an older snapshot is simply read again.
 */
const MAX_SNAPSHOTS = 8;

/** `<mode> <object id> <stage>\t<path>`: one cached entry of `git ls-files --stage`. */
const STAGED_ENTRY = /^([0-7]{6}) [0-9a-f]{40,64} [0-3]\t/;

/** The facts about a git work tree that a copy checkout needs, read once per run. */
export interface SourceSnapshot {
  /** Paths relative to the source folder: tracked, and untracked but not ignored. */
  files: string[];
  /** Paths of submodules (gitlinks, mode 160000) relative to the source folder. */
  submodulePaths: string[];
  /** How to write the copy's `.git` without git, or undefined when `git clone --shared` must run. */
  clonePlan?: SharedClonePlan;
}

interface CachedSnapshot {
  stamp: string;
  snapshot: Promise<SourceSnapshot>;
}

const snapshots = new Map<string, CachedSnapshot>();

/**
 * Returns the snapshot of the git work tree folder `sourceDir` (whose top level is
 * `topLevel`) for the run whose work root is `runKey`. The jobs of one run share
 * one snapshot, which replaces five git processes per job by two per run.
 * The snapshot is read again when the source's index or HEAD changed in between
 * (a `git add` or a commit). Files created after the first job's checkout without
 * touching the index are not seen, as if the run had started before they existed.
 */
export async function sourceSnapshot(sourceDir: string, topLevel: string, runKey: string | undefined): Promise<SourceSnapshot> {
  if (runKey === undefined) return readSourceSnapshot(sourceDir, topLevel);

  const key = `${runKey}\0${sourceDir}`;
  const stamp = sourceStamp(topLevel);
  const cached = snapshots.get(key);
  if (cached !== undefined && cached.stamp === stamp) return cached.snapshot;

  const snapshot = readSourceSnapshot(sourceDir, topLevel);
  snapshots.delete(key);
  snapshots.set(key, { stamp, snapshot });
  // Maps iterate in insertion order, so the first key is the oldest snapshot.
  if (snapshots.size > MAX_SNAPSHOTS) snapshots.delete(snapshots.keys().next().value!);
  // A failed read is not kept, so the next job tries again.
  snapshot.catch(() => {
    if (snapshots.get(key)?.snapshot === snapshot) snapshots.delete(key);
  });
  return snapshot;
}

function sourceStamp(topLevel: string): string {
  return `${fileStamp(join(topLevel, '.git', 'index'))}|${fileStamp(join(topLevel, '.git', 'HEAD'))}`;
}

/**
 * Lists the files and submodules with one `git ls-files` and, when `sourceDir`
 * is the top level, reads the clone plan at the same time.
 */
async function readSourceSnapshot(sourceDir: string, topLevel: string): Promise<SourceSnapshot> {
  const listing = execFileAsync('git', ['ls-files', '-z', '--stage', '--cached', '--others', '--exclude-standard'], {
    cwd: sourceDir,
    timeout: LIST_TIMEOUT_MS,
    killSignal: 'SIGKILL',
    maxBuffer: MAX_LIST_BYTES,
  });
  const clonePlan = sourceDir === topLevel ? readSharedClonePlan(topLevel) : Promise.resolve(undefined);
  const [{ stdout }, plan] = await Promise.all([listing, clonePlan]);

  const files = new Set<string>();
  const submodulePaths = new Set<string>();
  for (const entry of stdout.split('\0')) {
    if (entry === '') continue;
    // With --stage, tracked entries carry mode, id and stage before a tab; untracked ones are bare paths.
    const staged = STAGED_ENTRY.exec(entry);
    if (staged === null) {
      files.add(entry);
      continue;
    }
    const path = entry.slice(staged[0].length);
    files.add(path);
    if (staged[1] === '160000') submodulePaths.add(path);
  }
  return { files: [...files], submodulePaths: [...submodulePaths], clonePlan: plan };
}
