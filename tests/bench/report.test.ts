import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// @ts-expect-error bench/ is plain JavaScript without type declarations.
import { median, renderMarkdown, summariseScenario, writeReport } from '../../bench/report.js';
// @ts-expect-error bench/ is plain JavaScript without type declarations.
import { BENCH_STEP_PREFIX, parallelJobsYaml, sequentialStepsYaml } from '../../bench/pipelines.js';

const MACHINE = {
  cpuModel: 'Test CPU',
  cores: 2,
  node: 'v20.0.0',
  kernel: 'linux 6.0',
  loadAverage: 0.5,
  sluiceVersion: '0.1.0',
  commit: 'abc1234',
  date: '2026-01-01T00:00:00.000Z',
};

function pair(sluiceWallMs: number, baselineWallMs: number, firstScriptLogMs?: number) {
  return { sluice: { wallMs: sluiceWallMs, firstStepStartedMs: 50, firstScriptLogMs }, baseline: { wallMs: baselineWallMs } };
}

describe('median', () => {
  it('takes the middle of odd counts', () => {
    expect(median([5, 1, 3])).toBe(3);
  });

  it('averages the middle pair of even counts', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('ignores undefined and returns undefined for none', () => {
    expect(median([undefined, 7])).toBe(7);
    expect(median([undefined])).toBeUndefined();
  });
});

describe('summariseScenario', () => {
  it('computes overhead per step per pair', () => {
    // Overheads per step: (1200-200)/100 = 10, (700-300)/100 = 4, (600-200)/100 = 4.
    const summary = summariseScenario('demo', 100, [pair(1200, 200, 90), pair(700, 300, 110), pair(600, 200, 100)]);

    expect(summary.runs).toBe(3);
    expect(summary.overheadPerStepMs).toBe(4);
    expect(summary.overheadRange).toEqual([4, 10]);
    expect(summary.sluiceWallMs).toBe(700);
    expect(summary.baselineWallMs).toBe(200);
    expect(summary.ratio).toBe(3);
    expect(summary.firstScriptLogMs).toBe(100);
  });
});

describe('renderMarkdown', () => {
  it('marks each target met or not', () => {
    const fast = summariseScenario('fast', 100, [pair(500, 200, 100)]);
    const slow = summariseScenario('slow', 10, [pair(500, 200, 300)]);
    const text = renderMarkdown([fast, slow], MACHINE, 'npm run bench');

    expect(text).toContain('Machine: Test CPU, 2 cores, Node.js v20.0.0');
    expect(text).toContain('Load average over the minute before the runs: 0.50.');
    expect(text).toContain('| overhead per step < 5 ms | fast | 3.00 ms | met |');
    expect(text).toContain('| overhead per step < 5 ms | slow | 30.00 ms | not met |');
    expect(text).toContain('| first script step output < 200 ms | fast | 100 ms | met |');
    expect(text).toContain('| first script step output < 200 ms | slow | 300 ms | not met |');
  });

  it('reports a missing log line as not measured', () => {
    const silent = summariseScenario('silent', 10, [pair(500, 200, undefined)]);

    expect(renderMarkdown([silent], MACHINE, 'npm run bench')).toContain('| silent | n/a | not measured |');
  });
});

describe('writeReport', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('replaces only the text between markers', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-bench-report-'));
    const path = join(dir, 'benchmarks.md');
    writeReport(path, '# Header\n', 'first\n');
    writeFileSync(path, readFileSync(path, 'utf8').replace('# Header', '# Edited by hand') + 'footer\n');

    writeReport(path, '# Header\n', 'second\n');
    const text = readFileSync(path, 'utf8');

    expect(text).toContain('# Edited by hand');
    expect(text).toContain('second\n');
    expect(text).not.toContain('first\n');
    expect(text.endsWith('<!-- bench:end -->\nfooter\n')).toBe(true);
  });

  it('appends markers to a file without them', () => {
    dir = mkdtempSync(join(tmpdir(), 'sluice-bench-report-'));
    const path = join(dir, 'benchmarks.md');
    writeFileSync(path, '# Notes written by hand\n');

    writeReport(path, '# Header\n', 'numbers\n');
    const text = readFileSync(path, 'utf8');

    expect(text.startsWith('# Notes written by hand\n\n<!-- bench:start')).toBe(true);
    expect(text).toContain('numbers\n<!-- bench:end -->\n');
    expect(text).not.toContain('# Header');
  });
});

describe('benchmark pipelines', () => {
  it('generates the requested step and job counts', () => {
    expect(sequentialStepsYaml(200).match(/- script: 'true'/g)).toHaveLength(200);
    expect(parallelJobsYaml(50).match(/- job: J\d+/g)).toHaveLength(50);
    expect(parallelJobsYaml(50)).not.toContain('dependsOn');
    expect(sequentialStepsYaml(200).match(new RegExp(`displayName: ${BENCH_STEP_PREFIX} \\d+`, 'g'))).toHaveLength(200);
  });
});
