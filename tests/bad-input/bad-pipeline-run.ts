import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { RunSummary, SummaryJob } from '../../src/cli/output/run-summary.js';
import { parseJsonLines, runSluice } from '../helpers/run-sluice.js';
import { createTempRepository } from '../helpers/temp-repository.js';

/** What one `sluice run --output json` of a bad pipeline printed and how it ended. */
export interface BadRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
  /** Every JSON line of stdout; empty when sluice refused to start the run. */
  events: Record<string, unknown>[];
  /** The closing summary, when the run started. */
  summary?: RunSummary;
}

/** Folders to remove after each test; {@link removeBadRunFolders} empties it. */
const folders: string[] = [];

/** Removes the repositories and work folders that {@link runBadPipeline} made. */
export function removeBadRunFolders(): void {
  while (folders.length > 0) rmSync(folders.pop()!, { recursive: true, force: true });
}

/**
 * Commits `files` to a new git repository and runs `sluice run --output json`
 * in it as a real child process, with `extraArgs` and extra environment.
 */
export async function runBadPipeline(files: Record<string, string>, extraArgs: string[] = [], env: NodeJS.ProcessEnv = {}): Promise<BadRun> {
  const repository = createTempRepository(files);
  const work = mkdtempSync(join(tmpdir(), 'sluice-bad-input-work-'));
  folders.push(repository.path, work);

  const result = await runSluice(['run', '--output', 'json', '--work-dir', work, ...extraArgs], { cwd: repository.path, env });
  const events = parseJsonLines(result.stdout);
  const last = events[events.length - 1];
  return {
    code: result.code,
    signal: result.signal,
    stderr: result.stderr,
    events,
    summary: last?.type === 'summary' ? (last as unknown as RunSummary) : undefined,
  };
}

/** The only job of a pipeline without stages; throws when the run has no summary. */
export function onlyJob(run: BadRun): SummaryJob {
  if (!run.summary) throw new Error(`the run printed no summary (exit code ${run.code}); stderr:\n${run.stderr}`);
  const job = run.summary.stages[0]?.jobs[0];
  if (!job) throw new Error('the summary has no job');
  return job;
}
