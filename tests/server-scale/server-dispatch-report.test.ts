import { describe, expect, it } from 'vitest';
import { combineRuns, quantile, renderServerSection, TARGETS } from '../../bench/server-dispatch.js';

const machine = { cpuModel: 'Test CPU', cores: 2, kernel: 'linux 6', node: 'v20.0.0', loadAverage: 0.5, sluiceVersion: '0.1.0', commit: 'abc1234', date: '2026-12-04T00:00:00.000Z' };

function result(overrides: Record<string, number> = {}) {
  return { jobs: 1000, agents: 20, pickupP50Ms: 12, pickupP99Ms: 150, pickupMaxMs: 180, jobsPerSecond: 250, serverCpuMsPerJob: 4.125, serverIdleRssMb: 100, serverLoadRssMb: 150, agentIdleRssMb: 50, ...overrides };
}

describe('server dispatch benchmark report', () => {
  it('computes nearest-rank quantiles', () => {
    const sorted = Array.from({ length: 100 }, (_, index) => index + 1);
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(quantile([7], 0.99)).toBe(7);
    expect(quantile([], 0.5)).toBeUndefined();
  });

  it('marks every target met', () => {
    const section = renderServerSection(result(), machine, 'npm run bench') as string;
    expect(section).toContain('| Pickup p50 | 12 ms | under 20 ms | met |');
    expect(section).toContain('| Jobs dispatched per second | 250 | at least 200 | met |');
    expect(section).toContain('| Server CPU time per job | 4.13 ms | none | |');
    expect(section).not.toContain('not met');
    expect(section).toContain('Command: `npm run bench`');
    expect(section).toContain('Test CPU, 2 cores');
  });

  it('marks missed targets', () => {
    const section = renderServerSection(result({ pickupP50Ms: 31, jobsPerSecond: 70, agentIdleRssMb: 71 }), machine, 'npm run bench') as string;
    expect(section).toContain('| Pickup p50 | 31 ms | under 20 ms | **not met** |');
    expect(section).toContain('| Jobs dispatched per second | 70 | at least 200 | **not met** |');
    expect(section).toContain('| Agent RSS idle | 71 MB | under 60 MB | **not met** |');
    expect(section).toContain('| Server RSS idle | 100 MB | under 120 MB | met |');
  });

  it('combines runs into medians', () => {
    const combined = combineRuns([
      result({ jobsPerSecond: 150, pickupP50Ms: 20, pickupMaxMs: 300, serverLoadRssMb: 190 }),
      result({ jobsPerSecond: 210, pickupP50Ms: 11, pickupMaxMs: 60, serverLoadRssMb: 170 }),
      result({ jobsPerSecond: 205, pickupP50Ms: 13, pickupMaxMs: 90, serverLoadRssMb: 180 }),
    ]);
    expect(combined.jobsPerSecond).toBe(205);
    expect(combined.pickupP50Ms).toBe(13);
    expect(combined.pickupMaxMs).toBe(300);
    expect(combined.serverLoadRssMb).toBe(190);
    const section = renderServerSection(combined, machine, 'npm run bench') as string;
    expect(section).toContain('median of 3 runs, each with a new server (jobs per second per run: 150, 210, 205)');
    expect(section).toContain('| Jobs dispatched per second | 205 | at least 200 | met |');
  });

  it('uses the targets of the task', () => {
    expect(TARGETS).toEqual({ pickupP50Ms: 20, pickupP99Ms: 200, jobsPerSecond: 200, serverIdleRssMb: 120, agentIdleRssMb: 60 });
  });
});
