import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import type { Worker } from 'node:worker_threads';

/**
 * One file-system call of a batch. `mkdir` is recursive, so it creates missing
 * parents and accepts an existing folder. `copyEntry` first creates `toFolder`.
 * Then it copies a file into `to`, or recreates a symlink with the same target
 * without following it. It leaves a folder to the caller.
 */
export type FileOperation =
  | { kind: 'mkdir'; path: string }
  | { kind: 'write'; path: string; content: string }
  | { kind: 'copy'; from: string; to: string }
  | { kind: 'copyEntry'; from: string; to: string; toFolder: string };

/**
 * Result of one operation. A `copyEntry` gives `copied`, `missing` (absent, or
 * neither a file, a symlink nor a folder) or `folder`, and copies nothing in the
 * last two cases. Other operations give `done`.
 */
export type FileOperationResult = 'done' | 'copied' | 'missing' | 'folder';

/** Outcome of one group of a batch: a result per operation run, and the error that stopped it, if any. */
export interface FileGroupResult {
  results: FileOperationResult[];
  /** The failed operation's position in its group, with the error's message and errno code. */
  error?: { index: number; message: string; code?: string };
}

/**
 * Runs the operations of each group one after another with synchronous calls,
 * up to the first that fails. A failed group does not stop the next one. The same
 * function body runs in the batch worker (as source text, see WORKER_SOURCE) and,
 * when no worker runs, on this thread, so it uses nothing but its parameters.
 */
function runGroups(groups: readonly (readonly FileOperation[])[], files: typeof fs): FileGroupResult[] {
  const folders = new Set<string>();
  const runOne = (operation: FileOperation): FileOperationResult => {
    if (operation.kind === 'mkdir') files.mkdirSync(operation.path, { recursive: true });
    else if (operation.kind === 'write') files.writeFileSync(operation.path, operation.content);
    else if (operation.kind === 'copy') files.copyFileSync(operation.from, operation.to);
    else {
      let stats: fs.Stats | undefined;
      try {
        stats = files.lstatSync(operation.from);
      } catch {
        stats = undefined;
      }
      if (stats === undefined || !(stats.isFile() || stats.isSymbolicLink() || stats.isDirectory())) return 'missing';
      if (stats.isDirectory()) return 'folder';
      if (!folders.has(operation.toFolder)) {
        files.mkdirSync(operation.toFolder, { recursive: true });
        folders.add(operation.toFolder);
      }
      if (stats.isSymbolicLink()) {
        files.rmSync(operation.to, { force: true });
        files.symlinkSync(files.readlinkSync(operation.from), operation.to);
      } else {
        files.copyFileSync(operation.from, operation.to);
      }
      return 'copied';
    }
    return 'done';
  };
  return groups.map((group) => {
    const results: FileOperationResult[] = [];
    for (const operation of group) {
      try {
        results.push(runOne(operation));
      } catch (error) {
        const { message, code } = error as NodeJS.ErrnoException;
        return { results, error: { index: results.length, message, code } };
      }
    }
    return { results };
  });
}

/** Source of the worker, which replies to each `{ id, groups }` message with `{ id, groups }` holding their FileGroupResults. */
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const files = require('node:fs');
const runGroups = ${runGroups.toString()};
parentPort.on('message', ({ id, groups }) => {
  parentPort.postMessage({ id, groups: runGroups(groups, files) });
});
`;

interface Pending {
  resolve: (results: FileGroupResult[]) => void;
  reject: (error: Error) => void;
}

interface BatchWorker {
  worker: Worker;
  /** True once the worker runs its code; batches before that run on this thread. */
  online: boolean;
  /** Resolves with true when the worker is online, with false when it stopped before. */
  started: Promise<boolean>;
  pending: Map<number, Pending>;
  nextId: number;
}

let shared: BatchWorker | undefined;
/** Set when the worker could not start or died; later batches then run on this thread. */
let workerUnavailable = false;

function batchWorker(): BatchWorker | undefined {
  if (shared !== undefined || workerUnavailable) return shared;
  let worker: Worker;
  try {
    // Loaded here, because most runs never start the worker, and the module takes a few milliseconds to load.
    const { Worker: WorkerThread } = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    worker = new WorkerThread(WORKER_SOURCE, { eval: true });
  } catch {
    workerUnavailable = true;
    return undefined;
  }
  let settleStarted: (online: boolean) => void = () => undefined;
  const started = new Promise<boolean>((resolve) => {
    settleStarted = resolve;
  });
  const state: BatchWorker = { worker, online: false, started, pending: new Map(), nextId: 1 };
  worker.once('online', () => {
    state.online = true;
    settleStarted(true);
  });
  worker.on('message', (message: { id: number; groups: FileGroupResult[] }) => {
    const entry = state.pending.get(message.id);
    if (entry === undefined) return;
    state.pending.delete(message.id);
    entry.resolve(message.groups);
  });
  const fail = (error: Error): void => {
    settleStarted(false);
    workerUnavailable = true;
    if (shared === state) shared = undefined;
    for (const entry of state.pending.values()) entry.reject(new Error(`the file worker stopped: ${error.message}; run the command again`));
    state.pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`it exited with code ${code}`)));
  // An idle worker must not keep the process alive, so only a batch in flight holds a reference (see runFileBatch).
  worker.unref();
  shared = state;
  return state;
}

/**
 * Starts the worker that runs large file batches, if it is not running. A worker
 * takes a few tens of milliseconds to start. Batches that come before the worker
 * is up run on this thread. Resolves with true once the worker is online, and with
 * false when no worker runs.
 */
export function startFileBatchWorker(): Promise<boolean> {
  return batchWorker()?.started ?? Promise.resolve(false);
}

/**
 * Batches with fewer operations than this run on the calling thread. A job's
 * workspace and `.git` take about a dozen calls, which block this thread for less
 * time than a round trip to the worker costs. Without the worker for those, the
 * 50-job benchmark went from 6.53 to 6.11 ms of overhead per step, and its first
 * output from 156 to 136 ms (medians of 10 alternating runs, 2-core Linux VM).
 * The worker also no longer starts for runs that never copy a large tree.
 */
export const WORKER_MIN_OPERATIONS = 64;

/** Returns the online worker for `groups` of at least WORKER_MIN_OPERATIONS operations, starting it if needed. */
function workerFor(groups: readonly (readonly FileOperation[])[]): BatchWorker | undefined {
  let count = 0;
  for (const group of groups) count += group.length;
  if (count < WORKER_MIN_OPERATIONS) return undefined;
  const state = batchWorker();
  return state?.online ? state : undefined;
}

/**
 * Returns where runFileBatch runs `groups`: on the worker when they hold at least
 * WORKER_MIN_OPERATIONS operations and the worker is online, else on the calling
 * thread. A large batch starts the worker for the batches after it.
 */
export function fileBatchThread(groups: readonly (readonly FileOperation[])[]): 'caller' | 'worker' {
  return workerFor(groups) === undefined ? 'caller' : 'worker';
}

/**
 * Runs `groups` of operations, each group up to its first failure (see
 * runGroups), with synchronous calls. A large batch goes to the worker in one
 * round trip, so a checkout of thousands of files does not block this thread
 * (see fileBatchThread). Through the thread pool, each call would be a round trip
 * of its own, and a file write three. Rejects only when the worker stops.
 */
export async function runFileBatch(groups: readonly (readonly FileOperation[])[]): Promise<FileGroupResult[]> {
  const state = workerFor(groups);
  if (state === undefined) return runGroups(groups, fs);
  const id = state.nextId;
  state.nextId += 1;
  state.worker.ref();
  try {
    return await new Promise<FileGroupResult[]>((resolve, reject) => {
      state.pending.set(id, { resolve, reject });
      state.worker.postMessage({ id, groups });
    });
  } finally {
    if (state.pending.size === 0) state.worker.unref();
  }
}

/** Runs one group of operations as runFileBatch does and throws the error that stopped it. */
export async function runFileOperations(operations: readonly FileOperation[]): Promise<FileOperationResult[]> {
  const [group] = await runFileBatch([operations]);
  if (group?.error !== undefined) throw fileBatchError(group.error);
  return group?.results ?? [];
}

/** Returns the Error of a failed group, with the errno code of the call that failed. */
export function fileBatchError(failure: NonNullable<FileGroupResult['error']>): NodeJS.ErrnoException {
  const error: NodeJS.ErrnoException = new Error(failure.message);
  if (failure.code !== undefined) error.code = failure.code;
  return error;
}
