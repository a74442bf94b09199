import type { Pipeline } from '../../store/pipeline-repository.js';
import type { Run } from '../../store/run-repository.js';
import { decideScheduledRun } from '../../triggers/decide-scheduled-run.js';
import { nextFireTimes } from '../../triggers/schedule-fire-times.js';
import type { TriggerOutcome, TriggerService } from './trigger-service.js';

/** How often the loop checks for schedules that came due, in milliseconds; cron has minute resolution. */
export const SCHEDULE_TICK_MS = 30_000;

/** Maximum time a mirror's branches are read without a new fetch, in milliseconds. */
export const SCHEDULE_FETCH_MS = 5 * 60_000;

/** The time source of the schedule loop; tests pass a clock they move by hand. */
export interface Clock {
  now(): Date;
}

/** Settings of the schedule loop. */
export interface ScheduleLoopOptions {
  service: TriggerService;
  clock?: Clock;
  tickMs?: number;
}

/**
 * Fires the `schedules` of every pipeline. Each tick looks at the time since
 * the previous tick, reads the schedules in the YAML at the head of every
 * branch, as Azure does for scheduled triggers
 * (learn.microsoft.com/azure/devops/pipelines/process/scheduled-triggers), and
 * queues a Schedule run for each branch whose schedule came due and whose
 * `always`, `batch` and branch filter allow it. At most one run per branch and tick.
 * NOTE: ticks missed while the server was down are not caught up.
 */
export class ScheduleLoop {
  private lastTick: Date | undefined;
  private readonly lastFetch = new Map<number, number>();
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<unknown> | undefined;

  constructor(private readonly options: ScheduleLoopOptions) {}

  /** Starts ticking; the first tick only records the start time. */
  start(): void {
    if (this.timer !== undefined) return;
    this.lastTick = this.now();
    this.timer = setInterval(() => {
      this.ticking ??= this.tick().finally(() => (this.ticking = undefined));
    }, this.options.tickMs ?? SCHEDULE_TICK_MS);
    this.timer.unref();
  }

  /** Stops ticking and waits for a tick in progress. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
  }

  /** Fires every schedule due in (previous tick, now]; the first call only records the time. */
  async tick(): Promise<TriggerOutcome[]> {
    const now = this.now();
    const from = this.lastTick;
    this.lastTick = now;
    if (from === undefined || from >= now) return [];

    const { context } = this.options.service.options;
    const outcomes: TriggerOutcome[] = [];
    for (const pipeline of await context.store.pipelines.list()) {
      if (context.isShuttingDown()) break;
      try {
        outcomes.push(...(await this.tickPipeline(pipeline, from, now)));
      } catch (error) {
        context.logger.error({ pipelineId: pipeline.id, err: error }, 'scheduled trigger failed');
      }
    }
    return outcomes;
  }

  private async tickPipeline(pipeline: Pipeline, from: Date, now: Date): Promise<TriggerOutcome[]> {
    const { service } = this.options;
    const fetchedAt = this.lastFetch.get(pipeline.id);
    if (fetchedAt === undefined || now.getTime() - fetchedAt >= SCHEDULE_FETCH_MS) {
      await service.git.fetch(pipeline);
      this.lastFetch.set(pipeline.id, now.getTime());
    }

    const outcomes: TriggerOutcome[] = [];
    for (const [ref, head] of await service.git.branches(pipeline.id)) {
      const triggers = await service.readTriggers(pipeline, head);
      const due = triggers.schedules.filter((schedule) => {
        const next = nextFireTimes(schedule.cron, from, 1)[0];
        return next !== undefined && next <= now;
      });

      for (const schedule of due) {
        const state = await this.branchState(pipeline.id, ref, head);
        const decision = decideScheduledRun(schedule, { branch: ref, ...state });
        if (!decision.run) {
          outcomes.push(service.skip(pipeline, decision.reason, { ref, schedule: schedule.cron.expression }));
          continue;
        }
        const run = await service.queue(pipeline, { branch: ref, commit: head, reason: 'Schedule', requestedBy: scheduleName(schedule.displayName, schedule.cron.expression) }, undefined);
        outcomes.push({ runs: [run], reason: decision.reason });
        break;
      }
    }
    return outcomes;
  }

  /** Whether the branch changed since its last successful scheduled run, and whether one is in progress. */
  private async branchState(pipelineId: number, ref: string, head: string) {
    const runs = this.options.service.options.context.store.runs;
    const isScheduled = (run: Run) => run.trigger.reason === 'Schedule';
    const completed = (await runs.list({ pipelineId, branch: ref, status: 'completed', limit: 200 })).filter(isScheduled);
    const lastSuccess = completed.find((run) => run.result === 'succeeded' || run.result === 'succeededWithIssues');
    let inProgress = false;
    for (const status of ['queued', 'inProgress'] as const) {
      if ((await runs.list({ pipelineId, branch: ref, status, limit: 200 })).some(isScheduled)) inProgress = true;
    }
    return { changedSinceLastSuccess: lastSuccess === undefined || lastSuccess.trigger.commit !== head, scheduledRunInProgress: inProgress };
  }

  private now(): Date {
    return this.options.clock?.now() ?? new Date();
  }
}

function scheduleName(displayName: string | undefined, expression: string): string {
  return displayName === undefined ? `schedule ${expression}` : `schedule ${displayName}`;
}
