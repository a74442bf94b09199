/**
 * Histogram bucket bounds in seconds, for job wait and job run times: from a
 * second (a job claimed at once) to two hours (a long build).
 */
export const DURATION_BUCKETS_SECONDS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200] as const;

/** One Prometheus histogram: cumulative bucket counts, sum and count. */
class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;

  constructor(private readonly bounds: readonly number[]) {
    this.counts = bounds.map(() => 0);
  }

  observe(value: number): void {
    this.sum += value;
    this.count += 1;
    this.bounds.forEach((bound, index) => {
      if (value <= bound) this.counts[index]! += 1;
    });
  }

  render(name: string): string[] {
    const lines = this.bounds.map((bound, index) => `${name}_bucket{le="${bound}"} ${this.counts[index]}`);
    lines.push(`${name}_bucket{le="+Inf"} ${this.count}`, `${name}_sum ${this.sum}`, `${name}_count ${this.count}`);
    return lines;
  }
}

/** Values read from the store at each scrape. */
export interface MetricsSnapshot {
  queuedJobs: number;
  runningJobs: number;
  /** Agents with status `online`, by pool. */
  agentsOnlineByPool: Record<string, number>;
  /** Bytes of log text stored, over all runs. */
  logBytes: number;
}

/**
 * The server's Prometheus metrics. Durations are observed in this process;
 * counts of jobs, agents and log bytes are read from the store at each scrape,
 * so every server process sharing a PostgreSQL database reports the same totals.
 */
export class ServerMetrics {
  private readonly jobWait = new Histogram(DURATION_BUCKETS_SECONDS);
  private readonly jobRun = new Histogram(DURATION_BUCKETS_SECONDS);
  private runsFinished = new Map<string, number>();

  /** Records how long a job waited in the queue before an agent claimed it, in seconds. */
  observeJobWait(seconds: number): void {
    this.jobWait.observe(Math.max(0, seconds));
  }

  /** Records how long a job ran on its agent, in seconds. */
  observeJobRun(seconds: number): void {
    this.jobRun.observe(Math.max(0, seconds));
  }

  /** Counts a finished run by its result. */
  countRunFinished(result: string): void {
    this.runsFinished.set(result, (this.runsFinished.get(result) ?? 0) + 1);
  }

  /** Renders every metric in the Prometheus text exposition format, version 0.0.4. */
  render(snapshot: MetricsSnapshot): string {
    const lines: string[] = [];
    lines.push('# HELP sluice_jobs_queued Jobs waiting for an agent.', '# TYPE sluice_jobs_queued gauge', `sluice_jobs_queued ${snapshot.queuedJobs}`);
    lines.push('# HELP sluice_jobs_running Jobs leased to an agent.', '# TYPE sluice_jobs_running gauge', `sluice_jobs_running ${snapshot.runningJobs}`);

    lines.push('# HELP sluice_agents_online Agents sending heartbeats, by pool.', '# TYPE sluice_agents_online gauge');
    for (const [pool, count] of Object.entries(snapshot.agentsOnlineByPool).sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`sluice_agents_online{pool="${escapeLabel(pool)}"} ${count}`);
    }

    lines.push('# HELP sluice_job_wait_seconds Time from queueing a job to an agent claiming it.', '# TYPE sluice_job_wait_seconds histogram');
    lines.push(...this.jobWait.render('sluice_job_wait_seconds'));
    lines.push('# HELP sluice_job_run_seconds Time from an agent claiming a job to its completion.', '# TYPE sluice_job_run_seconds histogram');
    lines.push(...this.jobRun.render('sluice_job_run_seconds'));

    lines.push('# HELP sluice_runs_finished_total Runs finished by this process, by result.', '# TYPE sluice_runs_finished_total counter');
    for (const [result, count] of [...this.runsFinished].sort(([a], [b]) => a.localeCompare(b))) {
      lines.push(`sluice_runs_finished_total{result="${escapeLabel(result)}"} ${count}`);
    }

    lines.push('# HELP sluice_log_bytes Bytes of log text stored.', '# TYPE sluice_log_bytes gauge', `sluice_log_bytes ${snapshot.logBytes}`);
    return `${lines.join('\n')}\n`;
  }
}

/** Escapes a label value as the exposition format requires: backslash, double quote and newline. */
export function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}
