import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CoverageErrorCode } from '../../../src/runner/coverage/coverage-error-codes.js';
import { readCoverageFile } from '../../../src/runner/coverage/read-coverage-file.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');

describe('Cobertura', () => {
  it('counts lines shared by classes once', async () => {
    const { summary } = await readCoverageFile(path.join(fixtures, 'cobertura.xml'));
    expect(summary?.format).toBe('Cobertura');
    expect(summary?.lines).toEqual({ covered: 5, total: 7, percent: 71.43 });
    expect(summary?.branches).toEqual({ covered: 3, total: 4, percent: 75 });
  });

  it('reports packages and files', async () => {
    const { summary } = await readCoverageFile(path.join(fixtures, 'cobertura.xml'));
    expect(summary?.packages.map((item) => item.name)).toEqual(['calc', 'calc.io']);
    const ops = summary?.packages[0]?.files[0];
    expect(ops?.path).toBe('calc/ops.py');
    expect(ops?.lines).toEqual({ covered: 3, total: 4, percent: 75 });
    expect(ops?.branches).toEqual({ covered: 1, total: 2, percent: 50 });
  });
});

describe('JaCoCo', () => {
  it('uses the report counters for totals', async () => {
    const { summary } = await readCoverageFile(path.join(fixtures, 'jacoco.xml'));
    expect(summary?.format).toBe('JaCoCo');
    expect(summary?.lines).toEqual({ covered: 7, total: 10, percent: 70 });
    expect(summary?.branches).toEqual({ covered: 3, total: 4, percent: 75 });
  });

  it('reads packages inside groups', async () => {
    const { summary } = await readCoverageFile(path.join(fixtures, 'jacoco.xml'));
    expect(summary?.packages.map((item) => item.name)).toEqual(['com/example/calc', 'com/example/util']);
    expect(summary?.packages[0]?.files[0]?.path).toBe('com/example/calc/Ops.java');
    expect(summary?.packages[0]?.files[0]?.lines).toEqual({ covered: 6, total: 8, percent: 75 });
    expect(summary?.packages[1]?.branches).toEqual({ covered: 0, total: 0, percent: 0 });
  });
});

describe('bad coverage files', () => {
  it('rejects text that is not XML', async () => {
    const file = path.join(fixtures, 'not-xml.xml');
    const { problem } = await readCoverageFile(file);
    expect(problem?.code).toBe(CoverageErrorCode.NotXml);
    expect(problem?.location?.file).toBe(file);
  });

  it('rejects an unknown root element', async () => {
    const { problem } = await readCoverageFile(path.join(fixtures, 'unknown-root.xml'));
    expect(problem?.code).toBe(CoverageErrorCode.UnknownRootElement);
    expect(problem?.message).toContain("'lcov'");
  });
});
