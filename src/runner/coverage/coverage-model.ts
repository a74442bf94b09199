/** Coverage formats Sluice reads; PublishCodeCoverageResults@1 names the same two in `codeCoverageTool`. */
export type CoverageFormat = 'Cobertura' | 'JaCoCo';

/** Covered and total counts of one kind (lines or branches). */
export interface CoverageCounter {
  covered: number;
  total: number;
  /** `covered / total` in percent, rounded to two decimals; 0 when `total` is 0. */
  percent: number;
}

/** Coverage of one source file. `path` is as the report writes it, relative to its sources root. */
export interface FileCoverage {
  path: string;
  lines: CoverageCounter;
  branches: CoverageCounter;
}

/** Coverage of one package (Cobertura `package`, JaCoCo `package`). */
export interface PackageCoverage {
  name: string;
  lines: CoverageCounter;
  branches: CoverageCounter;
  files: FileCoverage[];
}

/** Line and branch coverage of a whole report. */
export interface CoverageSummary {
  format: CoverageFormat;
  file: string;
  lines: CoverageCounter;
  branches: CoverageCounter;
  packages: PackageCoverage[];
}

/** Builds a counter from covered and total counts. */
export function coverageCounter(covered: number, total: number): CoverageCounter {
  const percent = total === 0 ? 0 : Math.round((covered / total) * 10_000) / 100;
  return { covered, total, percent };
}

/** Adds up counters. */
export function sumCounters(counters: readonly CoverageCounter[]): CoverageCounter {
  let covered = 0;
  let total = 0;
  for (const counter of counters) {
    covered += counter.covered;
    total += counter.total;
  }
  return coverageCounter(covered, total);
}
