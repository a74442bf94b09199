import { describe, expect, it } from 'vitest';
import type { RecordRef, RunEvent } from '../../src/events/run-event.js';
import { Timeline } from '../../src/events/timeline.js';
import { PlainReporter } from '../../src/cli/output/plain-reporter.js';
import { TreeReporter } from '../../src/cli/output/tree-reporter.js';
import { buildRunSummary } from '../../src/cli/output/run-summary.js';
import type { RunReporter } from '../../src/cli/output/run-reporter.js';

const stage: RecordRef = { id: 'Build', type: 'stage', name: 'Build', displayName: 'Build' };
const job: RecordRef = { id: 'Build.Lint', parentId: 'Build', type: 'job', name: 'Lint', displayName: 'Lint' };
const step: RecordRef = { id: 'Build.Lint.1', parentId: 'Build.Lint', type: 'step', name: 'eslint', displayName: 'Run eslint' };
const time = new Date(Date.UTC(2026, 0, 1)).toISOString();

/** Events as the runner sends them for `task.logissue` (issue, then the same text as a log line) and a `##[warning]` line. */
function events(): RunEvent[] {
  return [
    { type: 'record-started', record: stage, time },
    { type: 'record-started', record: job, time },
    { type: 'record-started', record: step, time },
    { type: 'issue', recordId: step.id, issueType: 'error', message: 'no-unused-vars', sourcePath: 'src/a.ts', line: 3, column: 7, code: 'E100', time },
    { type: 'log', recordId: step.id, stream: 'stdout', line: 'no-unused-vars', format: 'error', time },
    { type: 'log', recordId: step.id, stream: 'stdout', line: 'formatting only', format: 'warning', time },
    { type: 'record-finished', record: step, result: 'succeeded', time },
    { type: 'issue', recordId: job.id, issueType: 'warning', message: "the output reference 'x' is empty", time },
    { type: 'record-finished', record: job, result: 'succeeded', time },
    { type: 'record-finished', record: stage, result: 'succeeded', time },
  ];
}

function play(reporter: RunReporter): void {
  const timeline = new Timeline();
  for (const event of events()) {
    timeline.apply(event);
    reporter.onEvent(event);
  }
  reporter.finish(buildRunSummary(timeline, { runId: 'r', pipeline: 'p.yml', result: 'succeeded', startTime: time, finishTime: time }, new Map()));
}

describe('run output issues', () => {
  it('plain output prints each issue once', () => {
    let written = '';
    play(new PlainReporter((text) => (written += text), { color: false, showOutput: true }));

    expect(written.match(/no-unused-vars/g)).toHaveLength(1);
    expect(written).toContain('[Build.Lint] error E100: no-unused-vars (src/a.ts:3:7)');
    expect(written).toContain('[Build.Lint] ##[warning]formatting only');
    expect(written).toContain('  1 warning, 1 error');
  });

  it('tree output shows issues under their record', () => {
    let written = '';
    const reporter = new TreeReporter({ write: (text) => (written += text) }, { color: false });
    play(reporter);
    const lines = written.split('\n');

    const stepLine = lines.findIndex((line) => line.includes('Run eslint'));
    expect(lines[stepLine + 1]).toBe('      ✗ error E100: no-unused-vars (src/a.ts:3:7)');
    expect(lines[stepLine + 2]).toBe('      ! warning: formatting only');
    const jobLine = lines.findIndex((line) => line.includes('✓ Lint'));
    expect(lines[jobLine + 1]).toBe("    ! warning: the output reference 'x' is empty");
    expect(written.match(/no-unused-vars/g)).toHaveLength(1);
    expect(written).toContain('  1 warning, 1 error');
  });
});
