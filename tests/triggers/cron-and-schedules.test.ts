import { describe, expect, it } from 'vitest';
import { parseCronExpression } from '../../src/triggers/cron-expression.js';
import { decideScheduledRun } from '../../src/triggers/decide-scheduled-run.js';
import { parseSchedules } from '../../src/triggers/parse-schedules.js';
import { nextFireTimes } from '../../src/triggers/schedule-fire-times.js';
import { TriggerDiagnostics } from '../../src/triggers/trigger-value-node.js';

function parse(expression: string) {
  const diagnostics = new TriggerDiagnostics();
  const cron = parseCronExpression(expression, undefined, diagnostics);
  return { cron, diagnostics: diagnostics.items };
}

function iso(dates: Date[]): string[] {
  return dates.map((date) => date.toISOString());
}

// Syntax from learn.microsoft.com/azure/devops/pipelines/process/scheduled-triggers#cron-syntax.
describe('cron fields (scheduled-triggers#cron-syntax)', () => {
  const cases: [string, string, string][] = [
    ['every field *', '* * * * *', '0-59 0-23 1-31 1-12 0-6'],
    ['single values', '15 3 1 6 0', '15 3 1 6 0'],
    ['comma list with a range', '0 1,3-6 * * *', '0 1,3,4,5,6 1-31 1-12 0-6'],
    ['step on *', '*/15 */6 * * *', '0,15,30,45 0,6,12,18 1-31 1-12 0-6'],
    ['step on a range', '0 0 1-10/3 * *', '0 0 1,4,7,10 1-12 0-6'],
    ['month abbreviations', '0 0 1 Jan,Jul *', '0 0 1 1,7 0-6'],
    ['full month names', '0 0 1 March-May *', '0 0 1 3,4,5 0-6'],
    ['day abbreviations in a range', '0 0 * * Mon-Fri', '0 0 1-31 1-12 1,2,3,4,5'],
    ['full day names, any case', '0 0 * * sunday,SATURDAY', '0 0 1-31 1-12 0,6'],
  ];
  it.each(cases)('%s', (_name, expression, expanded) => {
    const { cron, diagnostics } = parse(expression);
    expect(diagnostics).toEqual([]);
    expect(cron?.normalized).toBe(expanded.replace(/(\d+)-(\d+)/g, (_m, a: string, b: string) => range(Number(a), Number(b)).join(',')));
  });
});

function range(first: number, last: number): number[] {
  return Array.from({ length: last - first + 1 }, (_, index) => first + index);
}

describe('cron errors', () => {
  const cases: [string, string, string][] = [
    ['minute out of range', '60 * * * *', '60 is outside 0-59'],
    ['day 0', '0 0 0 * *', '0 is outside 1-31'],
    ['day of week 7', '0 0 * * 7', '7 is outside 0-6'],
    ['unknown name', '0 0 * Smarch *', '"Smarch" is not a number or a name'],
    ['name in the minutes field', '0 Mon * * *', '"Mon" is not a number for this field'],
    ['backwards range', '0 5-1 * * *', 'ends before it starts'],
    ['zero step', '*/0 * * * *', 'at least 1'],
    ['step without a range', '5/10 * * * *', 'needs "*" or a range'],
    ['empty list item', '1,,2 * * * *', 'empty'],
  ];
  it.each(cases)('%s', (_name, expression, fragment) => {
    const { cron, diagnostics } = parse(expression);
    expect(cron).toBeUndefined();
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].code).toBe('TRG007');
    expect(diagnostics[0].message).toContain(fragment);
  });

  it('reports a wrong field count', () => {
    const { diagnostics } = parse('0 0 * * * *');
    expect(diagnostics.map((d) => d.code)).toEqual(['TRG006']);
    expect(diagnostics[0].message).toContain('6 fields');
  });

  it('reports every bad field at once', () => {
    const { diagnostics } = parse('61 24 * * *');
    expect(diagnostics.map((d) => d.code)).toEqual(['TRG007', 'TRG007']);
  });
});

describe('next fire times in UTC', () => {
  function next(expression: string, after: string, count: number): string[] {
    const { cron } = parse(expression);
    return iso(nextFireTimes(cron!, new Date(after), count));
  }

  it('fires daily at 03:00 UTC', () => {
    expect(next('0 3 * * *', '2025-01-30T12:00:00Z', 3)).toEqual(['2025-01-31T03:00:00.000Z', '2025-02-01T03:00:00.000Z', '2025-02-02T03:00:00.000Z']);
  });

  it('skips months without day 31', () => {
    expect(next('0 0 31 * *', '2025-01-31T00:00:00Z', 3)).toEqual(['2025-03-31T00:00:00.000Z', '2025-05-31T00:00:00.000Z', '2025-07-31T00:00:00.000Z']);
  });

  it('fires on 29 February only in leap years', () => {
    expect(next('0 12 29 Feb *', '2025-01-01T00:00:00Z', 2)).toEqual(['2028-02-29T12:00:00.000Z', '2032-02-29T12:00:00.000Z']);
  });

  it('crosses a year end', () => {
    expect(next('30 23 31 Dec *', '2025-12-31T23:30:00Z', 1)).toEqual(['2026-12-31T23:30:00.000Z']);
  });

  it('requires both day and weekday, as NCrontab does', () => {
    // 13th of a month that is also a Friday.
    expect(next('0 0 13 * Fri', '2025-01-01T00:00:00Z', 2)).toEqual(['2025-06-13T00:00:00.000Z', '2026-02-13T00:00:00.000Z']);
  });

  it('runs weekdays only with names', () => {
    // 2025-03-01 is a Saturday.
    expect(next('0 9 * * Mon-Fri', '2025-03-01T00:00:00Z', 2)).toEqual(['2025-03-03T09:00:00.000Z', '2025-03-04T09:00:00.000Z']);
  });

  it('steps through the hour', () => {
    expect(next('*/20 * * * *', '2025-03-31T23:45:00Z', 3)).toEqual(['2025-04-01T00:00:00.000Z', '2025-04-01T00:20:00.000Z', '2025-04-01T00:40:00.000Z']);
  });
});

// The always/batch table of learn.microsoft.com/azure/devops/pipelines/yaml-schema/schedules-cron.
describe('scheduled run matrix (schedules-cron always/batch)', () => {
  const cases: [boolean, boolean, boolean, boolean, boolean][] = [
    // always, batch, changed, in progress, expected
    [false, false, true, false, true],
    [false, false, false, false, false],
    [false, false, true, true, true],
    [false, true, true, false, true],
    [false, true, true, true, false],
    [false, true, false, false, false],
    [true, false, false, false, true],
    [true, false, false, true, true],
    [true, true, false, true, true],
    [true, true, true, false, true],
  ];
  it.each(cases)('always=%s batch=%s changed=%s inProgress=%s → %s', (always, batch, changed, inProgress, expected) => {
    const { schedules } = parseSchedules([{ cron: '0 0 * * *', always, batch }]);
    const decision = decideScheduledRun(schedules[0], { branch: 'main', changedSinceLastSuccess: changed, scheduledRunInProgress: inProgress });
    expect(decision.run).toBe(expected);
  });

  it('applies the branch filter', () => {
    const { schedules } = parseSchedules([{ cron: '0 0 * * *', always: true, branches: { include: ['releases/*'] } }]);
    const state = { changedSinceLastSuccess: true, scheduledRunInProgress: false };
    expect(decideScheduledRun(schedules[0], { ...state, branch: 'releases/1.0' }).run).toBe(true);
    expect(decideScheduledRun(schedules[0], { ...state, branch: 'main' }).run).toBe(false);
  });
});
