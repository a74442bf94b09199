import { matchRefFilter, toFullBranchRef } from './ref-filter.js';
import type { ScheduleTrigger } from './trigger-filters.js';

/** The server's state for one branch when a schedule fires. */
export interface ScheduledRunState {
  /** The branch whose YAML contains the schedule (`main` or `refs/heads/main`). */
  branch: string;
  /** Source or pipeline changes since the last successful scheduled run of this schedule on this branch. */
  changedSinceLastSuccess: boolean;
  /** A scheduled run of this pipeline on this branch is queued or running. */
  scheduledRunInProgress: boolean;
}

/**
 * Decides whether one cron tick starts a run, following the `always`/`batch`
 * table of learn.microsoft.com/azure/devops/pipelines/yaml-schema/schedules-cron:
 * always=false runs only after a change since the last successful scheduled
 * run; batch=true with always=false also waits while a scheduled run is in
 * progress; always=true runs on every tick whatever the value of `batch`.
 */
export function decideScheduledRun(schedule: ScheduleTrigger, state: ScheduledRunState): { run: boolean; reason: string } {
  const ref = toFullBranchRef(state.branch);
  // NOTE: the docs do not say what a schedule without `branches` selects; Sluice
  // applies it to every branch whose YAML contains it.
  if (schedule.branches && !matchRefFilter(schedule.branches, ref, 'branch')) {
    return { run: false, reason: `the branch ${ref} is not in the schedule's branch filter` };
  }

  if (schedule.always) return { run: true, reason: 'the schedule has always: true, so it runs on every tick' };
  if (!state.changedSinceLastSuccess) {
    return { run: false, reason: 'nothing changed since the last successful scheduled run, and the schedule has always: false' };
  }
  if (schedule.batch && state.scheduledRunInProgress) {
    return { run: false, reason: 'a scheduled run is in progress, and the schedule has batch: true' };
  }
  return { run: true, reason: 'something changed since the last successful scheduled run' };
}
