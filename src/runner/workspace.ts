import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { link, mkdir, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';

/** The folders of one job's workspace, laid out as an Azure agent's `_work/<n>`. */
export interface JobWorkspace {
  /** `<workRoot>/<n>`: Agent.BuildDirectory and Pipeline.Workspace. */
  buildDirectory: string;
  /** `s`: Build.SourcesDirectory unless the checkout runs in place. */
  sourcesDirectory: string;
  /** `a`: Build.ArtifactStagingDirectory, emptied for every job. */
  artifactStagingDirectory: string;
  /** `b`: Build.BinariesDirectory. */
  binariesDirectory: string;
  /** `TestResults`: Common.TestResultsDirectory, emptied for every job. */
  testResultsDirectory: string;
  /** `<workRoot>/_temp`: Agent.TempDirectory; this job's own subfolder, removed at the end. */
  tempDirectory: string;
  /** Releases the workspace for the next job. */
  release(): Promise<void>;
}

/** Most numbered workspaces tried under one work root before giving up. */
export const MAX_WORKSPACES = 1000;

const LOCK_FILE = '.sluice-lock';

/** Build directories that jobs of this process have locked and not yet released. */
const heldByThisProcess = new Set<string>();

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Takes the lock of workspace `<workRoot>/<n>`: the lock file holds the owner's
 * pid, and a lock whose owner is gone (a crashed run) is taken over.
 */
async function tryLock(directory: string, token: string): Promise<boolean> {
  await mkdir(directory, { recursive: true });
  const lockPath = join(directory, LOCK_FILE);
  // The token is written to a private file first and linked into place, so another
  // job never reads a lock file that exists but is still empty.
  const pending = `${lockPath}.${process.pid}.${randomUUID()}`;
  await writeFile(pending, token);
  try {
    await link(pending, lockPath);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(pending).catch(() => undefined);
  }

  const owner = Number.parseInt((await readFile(lockPath, 'utf8').catch(() => '')).split(':')[0] ?? '', 10);
  if (Number.isFinite(owner) && isProcessAlive(owner)) return false;
  // NOTE: two runs that take over the same stale lock at the same moment can both win; this needs a crashed run first.
  await unlink(lockPath).catch(() => undefined);
  return tryLock(directory, token);
}

/** Last workspace number given out under each owned work root, by this process. */
const lastNumberOfOwnedRoot = new Map<string, number>();

/**
 * Creates a new numbered workspace under `workRoot`, a folder that this process
 * alone writes to (a local run's own folder). Jobs get numbers in the order they
 * start and never share a workspace, so there is nothing to lock or to empty, and
 * each job's workspace, temp folder included, stays for inspection after the run.
 */
function createOwnedWorkspace(workRoot: string, jobId: string): JobWorkspace {
  const number = (lastNumberOfOwnedRoot.get(workRoot) ?? 0) + 1;
  lastNumberOfOwnedRoot.set(workRoot, number);
  const buildDirectory = join(workRoot, String(number));
  const workspace: JobWorkspace = {
    buildDirectory,
    sourcesDirectory: join(buildDirectory, 's'),
    artifactStagingDirectory: join(buildDirectory, 'a'),
    binariesDirectory: join(buildDirectory, 'b'),
    testResultsDirectory: join(buildDirectory, 'TestResults'),
    tempDirectory: join(workRoot, '_temp', tempFolderName(jobId, number)),
    release: () => Promise.resolve(),
  };
  const folders = [workspace.sourcesDirectory, workspace.artifactStagingDirectory, workspace.binariesDirectory, workspace.testResultsDirectory, workspace.tempDirectory];
  // Synchronous, because five small calls block this thread for less time than a
  // round trip to the file-batch worker delays the job.
  for (const path of folders) mkdirSync(path, { recursive: true });
  return workspace;
}

/**
 * Returns the name of the job's own folder under `<workRoot>/_temp`. The workspace
 * number keeps two live jobs with the same id apart, because no other live job has that workspace.
 */
function tempFolderName(jobId: string, workspaceNumber: number): string {
  return `${jobId.replace(/[^A-Za-z0-9_.-]/g, '_')}-${workspaceNumber}`;
}

/**
 * Creates or reuses a numbered workspace under `workRoot`. Workspaces are reused
 * across runs like an agent's. `a/` and `TestResults/` are emptied every time
 * (learn.microsoft.com …/build/variables), and `clean` empties more:
 * `outputs` → `b/`, `resources` → `s/`, `all` → everything. With `ownedWorkRoot`
 * (the folder belongs to this process's run alone) each job gets a new workspace
 * instead; see createOwnedWorkspace.
 */
export async function prepareWorkspace(
  workRoot: string,
  jobId: string,
  clean?: 'outputs' | 'resources' | 'all',
  ownedWorkRoot = false,
): Promise<JobWorkspace> {
  if (ownedWorkRoot) return createOwnedWorkspace(workRoot, jobId);
  const token = `${process.pid}:${jobId}`;
  let buildDirectory: string | undefined;
  for (let n = 1; n <= MAX_WORKSPACES && buildDirectory === undefined; n += 1) {
    const candidate = join(workRoot, String(n));
    // A workspace that a job of this process holds has a live owner, so tryLock would fail
    // after five file operations. Parallel jobs skip it without touching the disk.
    if (heldByThisProcess.has(candidate)) continue;
    if (await tryLock(candidate, token)) buildDirectory = candidate;
  }
  if (buildDirectory === undefined) {
    throw new Error(`no free workspace under ${workRoot}: all ${MAX_WORKSPACES} are in use; remove stale folders or choose another work root`);
  }
  const directory = buildDirectory;
  heldByThisProcess.add(directory);
  const unlock = async (): Promise<void> => {
    await unlink(join(directory, LOCK_FILE)).catch(() => undefined);
    heldByThisProcess.delete(directory);
  };

  const sourcesDirectory = join(directory, 's');
  const artifactStagingDirectory = join(directory, 'a');
  const binariesDirectory = join(directory, 'b');
  const testResultsDirectory = join(directory, 'TestResults');
  const emptied = [artifactStagingDirectory, testResultsDirectory];
  if (clean === 'outputs' || clean === 'all') emptied.push(binariesDirectory);
  if (clean === 'resources' || clean === 'all') emptied.push(sourcesDirectory);
  const tempDirectory = join(workRoot, '_temp', tempFolderName(jobId, Number(basename(directory))));
  emptied.push(tempDirectory);
  try {
    // The calls run concurrently because each is a thread-pool round trip, and on a busy
    // disk their latency costs a job more than their CPU time.
    await Promise.all(emptied.map((folder) => rm(folder, { recursive: true, force: true })));
    await Promise.all(
      [sourcesDirectory, artifactStagingDirectory, binariesDirectory, testResultsDirectory, tempDirectory].map((folder) => mkdir(folder, { recursive: true })),
    );
  } catch (error) {
    await unlock();
    throw error;
  }

  return {
    buildDirectory: directory,
    sourcesDirectory,
    artifactStagingDirectory,
    binariesDirectory,
    testResultsDirectory,
    tempDirectory,
    release: async () => {
      // The temp folder is this job's own (its name has the workspace number), so the lock may go at the same time.
      await Promise.all([rm(tempDirectory, { recursive: true, force: true }), unlock()]);
    },
  };
}
