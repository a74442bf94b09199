import { describe, expect, it } from 'vitest';
import type { RecordRef, RunEvent } from '../../src/events/run-event.js';
import { Timeline } from '../../src/events/timeline.js';
import { TreeReporter } from '../../src/cli/output/tree-reporter.js';
import { buildRunSummary } from '../../src/cli/output/run-summary.js';

const stage: RecordRef = { id: 'Build', type: 'stage', name: 'Build', displayName: 'Build' };
const job: RecordRef = { id: 'Build.Wheel', parentId: 'Build', type: 'job', name: 'Wheel', displayName: 'Build the wheel' };
const passing: RecordRef = { id: 'Build.Wheel.1', parentId: 'Build.Wheel', type: 'step', name: 'prepare', displayName: 'Prepare' };
const failing: RecordRef = { id: 'Build.Wheel.2', parentId: 'Build.Wheel', type: 'step', name: 'compile', displayName: 'Compile' };

function events(): RunEvent[] {
  const time = (second: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString();
  return [
    { type: 'record-started', record: stage, time: time(0) },
    { type: 'record-started', record: job, time: time(0) },
    { type: 'record-started', record: passing, time: time(0) },
    { type: 'log', recordId: passing.id, stream: 'stdout', line: 'quiet output', time: time(1) },
    { type: 'record-finished', record: passing, result: 'succeeded', time: time(1) },
    { type: 'record-started', record: failing, time: time(1) },
    { type: 'log', recordId: failing.id, stream: 'stderr', line: 'error: missing header', time: time(2) },
    { type: 'record-finished', record: failing, result: 'failed', reason: 'exit code 2', time: time(3) },
    { type: 'record-finished', record: job, result: 'failed', time: time(3) },
    { type: 'record-finished', record: stage, result: 'failed', time: time(3) },
  ];
}

describe('TreeReporter', () => {
  it('prints the finished tree with the failed step output only', () => {
    let written = '';
    const reporter = new TreeReporter({ write: (text: string) => (written += text), columns: 120 }, { color: false });
    const timeline = new Timeline();
    for (const event of events()) {
      timeline.apply(event);
      reporter.onEvent(event);
    }
    reporter.finish(
      buildRunSummary(timeline, { runId: 'r', pipeline: 'p.yml', result: 'failed', startTime: '2026-01-01T00:00:00.000Z', finishTime: '2026-01-01T00:00:03.000Z' }, new Map()),
    );
    const printed = written.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');

    expect(printed).toContain('✗ Build');
    expect(printed).toContain('✓ Prepare');
    expect(printed).toContain('✗ Compile');
    expect(printed).toContain('(exit code 2)');
    expect(printed).toContain('│ error: missing header');
    expect(printed).not.toContain('quiet output');
    expect(printed).toMatch(/Run failed in 3\.0s/);
  });

  it('reports an unfinished record as canceled in the summary', () => {
    const timeline = new Timeline();
    timeline.apply({ type: 'record-started', record: stage, time: '2026-01-01T00:00:00.000Z' });
    const summary = buildRunSummary(timeline, { runId: 'r', pipeline: 'p.yml', result: 'canceled', startTime: 'a', finishTime: 'b' }, new Map());

    expect(summary.stages[0]!.result).toBe('canceled');
    expect(summary.stages[0]!.reason).toMatch(/ended before/);
  });
});

describe('Timeline', () => {
  it('attaches a job reported before its skipped stage', () => {
    const timeline = new Timeline();
    const time = '2026-01-01T00:00:00.000Z';
    timeline.apply({ type: 'record-finished', record: job, result: 'skipped', time });
    timeline.apply({ type: 'record-finished', record: stage, result: 'skipped', reason: 'condition was false', time });

    const roots = timeline.rootRecords();
    expect(roots.map((record) => record.id)).toEqual(['Build']);
    expect(timeline.childrenOf(roots[0]!).map((record) => record.id)).toEqual(['Build.Wheel']);
  });
});
