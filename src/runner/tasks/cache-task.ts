import { homedir } from 'node:os';
import { join } from 'node:path';
import { CacheError } from '../cache/cache-error.js';
import { CacheErrorCode } from '../cache/cache-error-codes.js';
import { computeCacheKey } from '../cache/compute-cache-key.js';
import { LocalCacheStore } from '../cache/local-cache-store.js';
import { resolveCachePath } from '../cache/resolve-cache-path.js';
import { restoreCache, type CacheHitValue } from '../cache/restore-cache.js';
import { saveCache } from '../cache/save-cache.js';
import { shouldSaveCache } from '../cache/should-save-cache.js';
import type { JobRunContext } from '../job-run-context.js';
import { RunnerErrorCode } from '../runner-error-codes.js';
import type { StepAttemptResult } from '../run-script-step.js';
import { defaultWorkingDirectory, logTask, warnTask, type BuiltinTaskRun } from './builtin-task-run.js';
import { addPostJobStep } from './task-job-state.js';
import { TaskStepError } from './task-step-error.js';

/** Default cache store under the user's cache folder, shared by every local run of every pipeline. */
export function defaultCacheRoot(environment: NodeJS.ProcessEnv = process.env): string {
  return join(environment.XDG_CACHE_HOME || join(homedir(), '.cache'), 'sluice', 'pipeline-cache');
}

function cacheStore(context: JobRunContext): LocalCacheStore {
  return new LocalCacheStore({ root: context.request.cacheRoot ?? defaultCacheRoot(context.options.baseEnvironment) });
}

/** Converts a CacheError into a failed step that keeps the CCH code and hint; other errors pass through. */
function cacheFailure(label: string, error: unknown): never {
  if (error instanceof CacheError) throw new TaskStepError(RunnerErrorCode.CacheStepFailed, `${label}: ${error.message}; ${error.hint}`);
  throw error;
}

/**
 * Cache@2: resolves `key` and `restoreKeys`, then restores the exact entry, or
 * the newest entry of the first matching restore key, into `path`. It sets
 * `cacheHitVar` to true, inexact or false. A "Post-job: Cache" step saves
 * `path` when the key missed and the job succeeded. A damaged entry is a
 * warning and counts as a miss. Keys are not scoped by pipeline or branch
 * locally: one store serves every local run.
 * Source: learn.microsoft.com/azure/devops/pipelines/release/caching
 */
export async function runCache(run: BuiltinTaskRun): Promise<StepAttemptResult> {
  const { inputs, context, label } = run;
  const workingDirectory = defaultWorkingDirectory(context);
  const signal = context.control.signal;
  const keyText = inputs.required('key');
  const pathText = inputs.required('path');
  const hitVariable = inputs.text('cacheHitVar');

  const key = await computeCacheKey(keyText, workingDirectory, signal).catch((error: unknown) => cacheFailure(label, error));
  const restoreKeys: string[] = [];
  for (const restoreKey of inputs.list('restoreKeys')) restoreKeys.push(await computeCacheKey(restoreKey, workingDirectory, signal).catch((error: unknown) => cacheFailure(label, error)));
  const workspaceRoot = context.job.variables.value('Pipeline.Workspace') ?? context.workspace.buildDirectory;
  const targetPath = (() => {
    try {
      return resolveCachePath(pathText, workingDirectory, workspaceRoot);
    } catch (error) {
      return cacheFailure(label, error);
    }
  })();
  logTask(run, `Resolved cache key: ${key}`);

  const store = cacheStore(context);
  let cacheHit: CacheHitValue = 'false';
  try {
    const restored = await restoreCache({ store, key, restoreKeys, targetPath, signal });
    cacheHit = restored.cacheHit;
    logTask(run, restored.restoredKey ? `Restored cache entry '${restored.restoredKey}' to ${targetPath} (${cacheHit === 'true' ? 'exact hit' : 'restore-key hit'})` : `Cache miss for key '${key}'`);
  } catch (error) {
    if (!(error instanceof CacheError) || error.code !== CacheErrorCode.EntryDamaged) cacheFailure(label, error);
    warnTask(run, `${label}: ${error.message}; ${error.hint}`, RunnerErrorCode.CacheStepFailed);
  }

  if (hitVariable) {
    context.job.variables.set(hitVariable, cacheHit);
    context.job.events.variableSet(run.state.recordId, hitVariable, cacheHit, false, false);
  }
  addPostJobStep(context, {
    owner: run.state.recordId,
    displayName: 'Post-job: Cache',
    run: async (jobContext, state) => {
      const jobSucceeded = jobContext.jobResult === 'succeeded' || jobContext.jobResult === 'succeededWithIssues';
      if (!shouldSaveCache(cacheHit, jobSucceeded)) {
        return { skipped: cacheHit === 'true' ? `the cache key '${key}' was an exact hit, so there is nothing to save` : 'the job did not succeed, so the cache is not saved' };
      }
      try {
        const saved = await saveCache({ store, key, sourcePath: targetPath, signal: jobContext.control.signal });
        const line = saved.saved ? `Saved ${targetPath} as cache entry '${key}' (${saved.sizeBytes} bytes)` : `Cache entry '${key}' was not saved: it already exists or is larger than the store limit`;
        jobContext.job.events.log(state.recordId, 'stdout', line);
      } catch (error) {
        // A failed save warns but does not fail the job, as in Azure's post-job Cache step.
        const message = error instanceof CacheError ? `${error.message}; ${error.hint}` : (error as Error).message;
        jobContext.job.events.issue(state.recordId, 'warning', `Cache@2: ${message}`, { code: RunnerErrorCode.CacheStepFailed });
      }
      return { result: 'succeeded' };
    },
  });
  return { result: 'succeeded' };
}
