import { spawn } from 'node:child_process';
import { setPriority } from 'node:os';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { LOCAL_RUNS_KEPT, type LocalRunDirectory } from '../../store/local-run-directory.js';

/** The nice value of the deleting process: the lowest priority on Linux and macOS. */
const LOWEST_PRIORITY = 19;

/**
 * Starts deleting the workspaces of all but the newest LOCAL_RUNS_KEPT runs and
 * resolves with the error that stopped it, or undefined. On Linux and macOS one
 * `rm -rf` child process deletes them, because the deletion overlaps the run's
 * jobs: Node's recursive `rm` makes several promise round trips per entry on the
 * main thread and fills the thread pool that the jobs' own file operations wait
 * for. On Windows, and when `rm` fails to start, LocalRunDirectory.pruneOldRuns
 * deletes them in process.
 */
export function removeOldRuns(runDirectory: LocalRunDirectory): Promise<Error | undefined> {
  const inProcess = (): Promise<Error | undefined> =>
    runDirectory.pruneOldRuns().then(
      () => undefined,
      (error: unknown) => (error instanceof Error ? error : new Error(String(error))),
    );
  if (process.platform === 'win32') return inProcess();

  const runsFolder = join(runDirectory.root, 'runs');
  let entries: string[];
  try {
    entries = readdirSync(runsFolder);
  } catch (error) {
    return Promise.resolve(error as Error);
  }
  // The same choice as pruneOldRuns: numeric folder names, newest (highest) first.
  const ids = entries.map(Number).filter(Number.isInteger).sort((a, b) => b - a);
  const old = ids.slice(LOCAL_RUNS_KEPT).map((id) => join(runsFolder, String(id)));
  if (old.length === 0) return Promise.resolve(undefined);

  return new Promise((resolve) => {
    let stderr = '';
    let settled = false;
    const child = spawn('rm', ['-rf', '--', ...old], { stdio: ['ignore', 'ignore', 'pipe'] });
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
}
