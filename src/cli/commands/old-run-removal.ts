import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { setPriority } from 'node:os';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_RUNS_KEPT, type LocalRunDirectory } from '../../store/local-run-directory.js';

/** The nice value of the deleting process: the lowest priority on Linux and macOS. */
const LOWEST_PRIORITY = 19;

/** A deletion of old runs' workspaces, started by removeOldRuns. */
export interface OldRunRemoval {
  /** Resolves with the error that stopped the deletion, or undefined when it succeeded. */
  done: Promise<Error | undefined>;
  /** The number of run folders being deleted. */
  runCount: number;
  /** True once `done` has resolved. */
  readonly finished: boolean;
  /**
   * Lets this process exit before the deletion ends. An `rm` child goes on
   * alone, and the next run retries whatever it leaves. Does nothing when the
   * deletion runs in this process.
   */
  detach(): void;
}

/**
 * Starts deleting the workspaces of all but the newest LOCAL_RUNS_KEPT runs. On
 * Linux and macOS one `rm -rf` child process deletes them, because the deletion
 * overlaps the run's jobs. Node's recursive `rm` would make several promise round
 * trips per entry on the main thread, and fill the thread pool that the jobs' own
 * file operations wait for. On Windows, and when `rm` fails to start,
 * LocalRunDirectory.pruneOldRuns deletes them in process.
 */
export function removeOldRuns(runDirectory: LocalRunDirectory): OldRunRemoval {
  const inProcess = (): Promise<Error | undefined> =>
    runDirectory.pruneOldRuns().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  const removal = (done: Promise<Error | undefined>, runCount: number, detach: () => void = () => undefined): OldRunRemoval => {
    const result = { done, runCount, finished: false, detach };
    void done.then(() => {
      result.finished = true;
    });
    return result;
  };

  const runsFolder = join(runDirectory.root, 'runs');
  let entries: string[];
  try {
    entries = readdirSync(runsFolder);
  } catch (error) {
    return removal(Promise.resolve(error as Error), 0);
  }
  // The same choice as pruneOldRuns: numeric folder names, newest (highest) first.
  const ids = entries.map(Number).filter(Number.isInteger).sort((a, b) => b - a);
  const old = ids.slice(LOCAL_RUNS_KEPT).map((id) => join(runsFolder, String(id)));
  if (old.length === 0) return removal(Promise.resolve(undefined), 0);
  if (process.platform === 'win32') return removal(inProcess(), old.length);

  let settled = false;
  const child = spawn('rm', ['-rf', '--', ...old], { stdio: ['ignore', 'ignore', 'pipe'] });
  const done = new Promise<Error | undefined>((resolve) => {
    let stderr = '';
    // The lowest priority: the deletion runs while this run's jobs do, and should use only what they leave.
    if (child.pid !== undefined) {
      try {
        setPriority(child.pid, LOWEST_PRIORITY);
      } catch {
        // Not permitted or already gone: the deletion runs at normal priority.
      }
    }
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.once('error', () => {
      // `rm` is missing or cannot start: fall back to deleting in process.
      if (settled) return;
      settled = true;
      void inProcess().then(resolve);
    });
    child.once('close', (code) => {
      if (settled) return;
      settled = true;
      resolve(code === 0 ? undefined : new Error(`could not delete old run workspaces under ${runsFolder} (rm exited with code ${String(code)}): ${stderr.trim()}; check the folders' permissions or delete them by hand`));
    });
  });
  return removal(done, old.length, () => {
    child.unref();
    // The pipe is a net.Socket, whose handle would keep this process alive too.
    (child.stderr as Socket).unref();
  });
}

/**
 * Waits for the deletion at the end of a run, or detaches it, and resolves with
 * its error, if any. A deletion of one run that is still going is detached, so
 * the command exits without waiting for it. More than one old run means earlier
 * deletions did not finish (an interrupted `rm`, or one that failed), so then the
 * run waits and reports the error.
 */
export async function finishOldRunRemoval(removal: OldRunRemoval): Promise<Error | undefined> {
  if (!removal.finished && removal.runCount === 1) {
    removal.detach();
    return undefined;
  }
  return removal.done;
}
