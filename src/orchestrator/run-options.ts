import type { EventSink } from '../events/run-event.js';
import type { JobExecutor, JobVariable, SourceRepository } from '../runner/job-request.js';

/** The values of one variable group given locally (`--variable-group NAME=FILE`). */
export interface LocalVariableGroup {
  /** The group name as given on the command line. */
  name: string;
  /** Plain values by variable name. */
  variables: Record<string, string>;
  /** Secret values by variable name; the runner masks them. */
  secrets: Record<string, string>;
}

/** Options of `runPipeline`. */
export interface RunOptions {
  runId: string;
  executor: JobExecutor;
  sink: EventSink;
  /** Aborting it cancels the run: queued jobs are canceled, running jobs get the signal. */
  signal: AbortSignal;
  /** Most jobs running at once across the run; 0 or less means 1. */
  maxParallelJobs: number;
  /** Predefined Build.* and System.* variables of the run. */
  runVariables: Record<string, JobVariable>;
  /** Queue-time values (`--variable`); they override pipeline-level YAML values. */
  queueVariables: Record<string, string>;
  /** Secret values by variable name (`--secret`); queue-time scope, marked secret. */
  secrets?: Record<string, string>;
  /**
   * Variable groups by lower-case name. A `- group:` entry applies the group's
   * values at its position in its `variables:` list, as Azure does.
   */
  variableGroups?: Record<string, LocalVariableGroup>;
  source: SourceRepository;
  /** Local paths of `resources.repositories` entries by alias (`--repository alias=PATH`), for `checkout: <alias>`. */
  repositories?: Record<string, string>;
  workRoot: string;
  /** `workRoot` is a new folder that only this run writes to (see JobRequest.workRootOwned). */
  workRootOwned?: boolean;
  /**
   * The run's artifact store, shared by its jobs; default `<workRoot>/artifacts`.
   * The server puts it in the `files` folder that every server process reaches.
   */
  artifactStoreRoot?: string;
  /** Backs `counter()` in runtime expressions; `counter()` is an error without it. */
  counter?: (prefix: string, seed: number) => number;
  /**
   * Value of `pipeline.startTime`; default the moment `runPipeline` starts. The
   * server passes the run's stored time, so a resumed or re-run attempt and its
   * counter reservations see the same value.
   */
  startTime?: Date;
}
