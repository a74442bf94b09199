import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';

/** Workspaces of earlier local runs kept for inspection; older ones are deleted. */
export const LOCAL_RUNS_KEPT = 5;

interface CounterState {
  lastBuildId: number;
  /** Revision counter per run-number prefix, for $(Rev:r). */
  revisions: Record<string, number>;
}

/** A local run's number and the folder its job workspaces go in. */
export interface LocalRunSlot {
  buildId: number;
  workRoot: string;
}

/**
 * The folder outside the user's checkout where local runs of one repository
 * keep their workspaces and counters: `$TMPDIR/sluice/<repo>-<hash>/` unless
 * `--work-dir` names another. A run never writes into the checkout itself.
 */
export class LocalRunDirectory {
  private constructor(readonly root: string) {}

  /** Opens (and creates) the directory for the checkout at `sourcePath`. */
  static async open(sourcePath: string, override?: string): Promise<LocalRunDirectory> {
    const root = LocalRunDirectory.rootFor(sourcePath, override);
    mkdirSync(join(root, 'runs'), { recursive: true });
    return new LocalRunDirectory(root);
  }

  /** The directory that `open` uses for the checkout at `sourcePath`, without creating it. */
  static rootFor(sourcePath: string, override?: string): string {
    const absolute = resolve(sourcePath);
    const hash = createHash('sha256').update(absolute).digest('hex').slice(0, 10);
    return override ? resolve(override) : join(tmpdir(), 'sluice', `${basename(absolute) || 'root'}-${hash}`);
  }

  /** Folder of the parse cache of this checkout's pipeline files (see ParsedYamlFiles). */
  static parsedYamlFolder(root: string): string {
    return join(root, 'parsed-yaml');
  }

  /**
   * Reserves the next build id and its workspace folder. The folder is created
   * with a non-recursive mkdir, so two runs started at once never share one.
   * This and the other state calls are synchronous: they come before any job
   * runs, and each asynchronous call would be a round trip to the thread pool.
   */
  async reserveRun(): Promise<LocalRunSlot> {
    const state = this.readState();
    let buildId = state.lastBuildId + 1;
    for (;;) {
      const workRoot = join(this.root, 'runs', String(buildId));
      try {
        // Only this user may enter: a step's script files can hold secret values in clear.
        mkdirSync(workRoot, { mode: 0o700 });
        state.lastBuildId = buildId;
        this.writeState(state);
        return { buildId, workRoot };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        buildId += 1;
      }
    }
  }

  /** Returns the next revision for a run-number prefix, starting at 1. */
  async nextRevision(prefix: string): Promise<number> {
    const state = this.readState();
    const revision = (state.revisions[prefix] ?? 0) + 1;
    state.revisions[prefix] = revision;
    this.writeState(state);
    return revision;
  }

  /** Deletes the workspaces of all but the newest LOCAL_RUNS_KEPT runs. */
  async pruneOldRuns(): Promise<void> {
    const entries = await readdir(join(this.root, 'runs'));
    const ids = entries.map(Number).filter(Number.isInteger).sort((a, b) => b - a);
    for (const id of ids.slice(LOCAL_RUNS_KEPT)) {
      await rm(join(this.root, 'runs', String(id)), { recursive: true, force: true });
    }
  }

  private readState(): CounterState {
    try {
      const parsed = JSON.parse(readFileSync(join(this.root, 'state.json'), 'utf8')) as Partial<CounterState>;
      return { lastBuildId: Number(parsed.lastBuildId) || 0, revisions: parsed.revisions ?? {} };
    } catch {
      return { lastBuildId: 0, revisions: {} };
    }
  }

  private writeState(state: CounterState): void {
    const temporary = join(this.root, `state.json.${process.pid}.tmp`);
    writeFileSync(temporary, JSON.stringify(state));
    renameSync(temporary, join(this.root, 'state.json'));
  }
}
