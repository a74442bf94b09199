import { Cron } from 'croner';
import type { CronSchedule } from './cron-expression.js';

/**
 * Returns the next `count` times, strictly after `after`, at which the schedule
 * fires, in UTC. A date must match both the day-of-month and the day-of-week
 * fields, as NCrontab requires (atifaziz/NCrontab CrontabSchedule.cs checks
 * the day of the week after choosing the day), so croner runs with
 * `legacyMode: false`; its default would fire when either field matches.
 */
export function nextFireTimes(schedule: CronSchedule, after: Date, count: number): Date[] {
  const cron = new Cron(schedule.normalized, { timezone: 'UTC', legacyMode: false, paused: true });
  return cron.nextRuns(count, after);
}
