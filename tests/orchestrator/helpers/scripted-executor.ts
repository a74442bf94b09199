import type { EventSink, RunEvent } from '../../../src/events/run-event.js';
import type { JobExecutor, JobOutcome, JobRequest } from '../../../src/runner/job-request.js';

/** What a scripted job does: its outcome, or a function of the request and signal. */
export type JobScript =
  | Partial<JobOutcome>
  | ((request: JobRequest, signal: AbortSignal) => Promise<Partial<JobOutcome>> | Partial<JobOutcome>);

/**
 * A JobExecutor that returns scripted outcomes by job instance name, the
 * orchestrator's input boundary. It records every request and the largest
 * number of jobs that were inside runJob at the same time.
 */
export class ScriptedExecutor implements JobExecutor {
  readonly requests: JobRequest[] = [];
  active = 0;
  maxActive = 0;
  /** Largest number of jobs of one phase (job name) running at once. */
  readonly maxActiveByPhase = new Map<string, number>();
  private readonly activeByPhase = new Map<string, number>();

  constructor(private readonly scripts: Record<string, JobScript> = {}) {}

  async runJob(request: JobRequest, _sink: EventSink, signal: AbortSignal): Promise<JobOutcome> {
    this.requests.push(request);
    const phase = request.variables['System.PhaseName']?.value ?? request.jobName;
    this.enter(phase);
    try {
      // Yield a few turns so jobs started together overlap inside runJob.
      for (let turn = 0; turn < 5; turn += 1) await new Promise((resolve) => setImmediate(resolve));
      const script = this.scripts[request.jobName] ?? {};
      const partial = typeof script === 'function' ? await script(request, signal) : script;
      return { result: 'succeeded', outputs: {}, variables: {}, ...partial };
    } finally {
      this.leave(phase);
    }
  }

  requestFor(jobName: string): JobRequest | undefined {
    return this.requests.find((request) => request.jobName === jobName);
  }

  ran(): string[] {
    return this.requests.map((request) => request.jobName);
  }

  private enter(phase: string): void {
    this.active += 1;
    this.maxActive = Math.max(this.maxActive, this.active);
    const count = (this.activeByPhase.get(phase) ?? 0) + 1;
    this.activeByPhase.set(phase, count);
    this.maxActiveByPhase.set(phase, Math.max(this.maxActiveByPhase.get(phase) ?? 0, count));
  }

  private leave(phase: string): void {
    this.active -= 1;
    this.activeByPhase.set(phase, (this.activeByPhase.get(phase) ?? 1) - 1);
  }
}

/** Collects events for assertions. */
export function eventCollector(): { sink: EventSink; events: RunEvent[] } {
  const events: RunEvent[] = [];
  return { sink: (event) => events.push(event), events };
}
