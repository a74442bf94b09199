import { describe, expect, it } from 'vitest';
import type { TimelineRecord } from '../../src/web/api-types.js';
import { formatBytes, formatDuration, formatMilliseconds, fullBranchRef, runStatusView, shortBranch } from '../../src/web/format.js';
import { parseAssignments } from '../../src/web/queue-run-form.js';
import { matchRoute, type Route } from '../../src/web/router.js';
import { buildTimelineTree, pickInterestingRecord } from '../../src/web/run/timeline-tree.js';

function record(id: string, type: TimelineRecord['type'], fields: Partial<TimelineRecord> = {}): TimelineRecord {
  return { id, type, name: id, displayName: id, state: 'completed', result: 'succeeded', attempt: 1, issues: [], ...fields };
}

describe('web helpers', () => {
  it('parses name=value lines and reports bad ones', () => {
    const parsed = parseAssignments('a=1\n\n  b = two words \nc==x\nnoequals\n=empty', 'Variables');
    expect(parsed.values).toEqual({ a: '1', b: 'two words', c: '=x' });
    expect(parsed.problems).toEqual(["Variables line 5: expected name=value, got 'noequals'", "Variables line 6: expected name=value, got '=empty'"]);
  });

  it('matches routes with parameters', () => {
    const render = () => undefined;
    const routes: Route[] = [
      { path: '/pipelines', section: 'pipelines', render },
      { path: '/runs/:id', section: 'pipelines', render },
    ];
    expect(matchRoute(routes, '/runs/42')?.params).toEqual({ id: '42' });
    expect(matchRoute(routes, '/runs/42/')?.params).toEqual({ id: '42' });
    expect(matchRoute(routes, '/pipelines')?.route.path).toBe('/pipelines');
    expect(matchRoute(routes, '/runs')).toBeUndefined();
    expect(matchRoute(routes, '/runs/1/extra')).toBeUndefined();
  });

  it('nests records and keeps orphans as roots', () => {
    const tree = buildTimelineTree([record('S', 'stage'), record('S.J', 'job', { parentId: 'S' }), record('S.J.1', 'step', { parentId: 'S.J' }), record('X.1', 'step', { parentId: 'missing' })]);
    expect(tree.map((node) => node.record.id)).toEqual(['S', 'X.1']);
    expect(tree[0]?.children[0]?.record.id).toBe('S.J');
    expect(tree[0]?.children[0]?.children[0]?.record.id).toBe('S.J.1');
  });

  it('picks a running step before a failed one', () => {
    const failed = record('J.1', 'step', { result: 'failed' });
    const running = record('J.2', 'step', { state: 'inProgress', result: undefined });
    expect(pickInterestingRecord([failed, running])?.id).toBe('J.2');
    expect(pickInterestingRecord([record('J.0', 'step'), failed])?.id).toBe('J.1');
    expect(pickInterestingRecord([record('J', 'job', { result: 'failed' })])?.id).toBe('J');
    expect(pickInterestingRecord([record('J.0', 'step')])).toBeUndefined();
  });

  it('formats durations, sizes and branches', () => {
    expect(formatMilliseconds(120)).toBe('120ms');
    expect(formatMilliseconds(65_000)).toBe('1m 5s');
    expect(formatMilliseconds(3_725_000)).toBe('1h 2m');
    expect(formatDuration('2026-01-01T00:00:00Z', '2026-01-01T00:00:07Z')).toBe('7s');
    expect(formatDuration(undefined, undefined)).toBe('');
    expect(formatDuration('2026-01-01T00:00:00Z', undefined, Date.parse('2026-01-01T00:00:03Z'))).toBe('3s');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(shortBranch('refs/heads/feature/x')).toBe('feature/x');
    expect(shortBranch('refs/pull/7/merge')).toBe('refs/pull/7/merge');
    expect(fullBranchRef('main')).toBe('refs/heads/main');
    expect(fullBranchRef('refs/tags/v1')).toBe('refs/tags/v1');
  });

  it('shows the result of a completed run', () => {
    expect(runStatusView('completed', 'failed')).toEqual({ label: 'Failed', tone: 'failed' });
    expect(runStatusView('inProgress', undefined)).toEqual({ label: 'Running', tone: 'running' });
    expect(runStatusView('queued', undefined).tone).toBe('pending');
  });
});
