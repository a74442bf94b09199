import type { SourceLocation } from '../language/source-location.js';
import type { CronSchedule } from './cron-expression.js';
import type { PathFilter } from './path-filter.js';
import type { RefFilter } from './ref-filter.js';

/**
 * The CI (push) trigger of a pipeline. `implicit` marks the default that Azure
 * applies when the file has no `trigger` key: every branch, no tags, no paths.
 */
export type CiTrigger =
  | { kind: 'none'; location?: SourceLocation }
  | {
      kind: 'filters';
      implicit: boolean;
      /** The caller queues new pushes while a run of this pipeline is in progress. */
      batch: boolean;
      /** Absent when the YAML names no branches; `decideCiTrigger` then applies the defaults. */
      branches?: RefFilter;
      tags?: RefFilter;
      paths?: PathFilter;
      location?: SourceLocation;
    };

/** The pull-request trigger; it filters on the PR's target branch. */
export type PrTrigger =
  | { kind: 'none'; location?: SourceLocation }
  | {
      kind: 'filters';
      implicit: boolean;
      /** Cancel an in-progress run of the same PR when it is updated (Azure's default: true). */
      autoCancel: boolean;
      /** Run for draft PRs too (Azure's default: true). */
      drafts: boolean;
      branches: RefFilter;
      paths?: PathFilter;
      location?: SourceLocation;
    };

/** One entry of `schedules:`. */
export interface ScheduleTrigger {
  cron: CronSchedule;
  displayName?: string;
  /** Absent when the entry names no branches. */
  branches?: RefFilter;
  batch: boolean;
  always: boolean;
  location?: SourceLocation;
}
