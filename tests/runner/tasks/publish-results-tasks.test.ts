import { afterEach, describe, expect, it } from 'vitest';
import { cleanupTempDirs, makeRequest, runJob, taskStep, variable, writeFiles } from '../runner-test-helpers.js';

afterEach(cleanupTempDirs);

const SECRET = 'hunter2-db-password';

function junit(secretInMessage: string): string {
  return `<?xml version="1.0"?>
<testsuites>
  <testsuite name="calc" tests="3" failures="1" skipped="1" time="0.5">
    <testcase classname="tests.test_calc" name="test_add" time="0.1"/>
    <testcase classname="tests.test_calc" name="test_db" time="0.2"><failure message="login failed for ${secretInMessage}">trace</failure></testcase>
    <testcase classname="tests.test_calc" name="test_skip" time="0"><skipped/></testcase>
  </testsuite>
</testsuites>`;
}

const COBERTURA = `<?xml version="1.0"?>
<coverage line-rate="0.75" branch-rate="0.5" version="1">
  <packages><package name="app"><classes><class name="m" filename="app/m.py"><lines>
    <line number="1" hits="1"/><line number="2" hits="1"/><line number="3" hits="1"/><line number="4" hits="0" branch="true" condition-coverage="50% (1/2)"/>
  </lines></class></classes></package></packages>
</coverage>`;

describe('PublishTestResults@2', () => {
  it('stores masked summaries in the job outcome', async () => {
    const withFile = makeRequest([taskStep('PublishTestResults', '2', { testResultsFiles: '**/TEST-*.xml', testRunTitle: 'Unit' })], {
      variables: { dbPassword: variable(SECRET, true) },
      implicitCheckout: true,
    });
    writeFiles(withFile.source.path, { 'reports/TEST-calc.xml': junit(SECRET) });
    const published = await runJob(withFile);

    expect(published.outcome.result).toBe('succeeded');
    expect(published.outcome.testResults).toEqual([
      {
        title: 'Unit',
        format: 'JUnit',
        total: 3,
        passed: 1,
        failed: 1,
        skipped: 1,
        durationMs: expect.any(Number),
        failedTests: [{ name: 'tests.test_calc.test_db', message: 'login failed for ***' }],
      },
    ]);
    expect(JSON.stringify(published.events)).not.toContain(SECRET);
    expect(published.lines(1)).toContain('  failed: tests.test_calc.test_db: login failed for ***');
  });

  it('fails with failTaskOnFailedTests', async () => {
    const request = makeRequest([taskStep('PublishTestResults', '2', { testResultsFiles: '**/TEST-*.xml', failTaskOnFailedTests: 'true' })], { implicitCheckout: true });
    writeFiles(request.source.path, { 'TEST-a.xml': junit('nobody') });
    const run = await runJob(request);

    expect(run.outcome.result).toBe('failed');
    expect(run.events.find((event) => event.type === 'issue' && event.issueType === 'error')).toMatchObject({ code: 'RUN023' });
    expect(run.finished(1)?.reason).toContain('1 test(s) failed');
    expect(run.outcome.testResults?.[0]?.failed).toBe(1);
  });

  it('warns when no file matches', async () => {
    const run = await runJob(makeRequest([taskStep('PublishTestResults', '2', {})], { implicitCheckout: true }));
    const warnings = run.events.flatMap((event) => (event.type === 'issue' && event.issueType === 'warning' ? [event.message] : []));

    expect(run.outcome.result).toBe('succeeded');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('no test results files matched');
  });
});

describe('PublishCodeCoverageResults', () => {
  it('stores the Cobertura summary', async () => {
    const request = makeRequest([taskStep('PublishCodeCoverageResults', '2', { summaryFileLocation: '**/coverage.xml' })], { implicitCheckout: true });
    writeFiles(request.source.path, { 'coverage.xml': COBERTURA });
    const run = await runJob(request);

    expect(run.outcome.result).toBe('succeeded');
    expect(run.outcome.coverage).toHaveLength(1);
    expect(run.outcome.coverage?.[0]).toMatchObject({ format: 'Cobertura', lines: { covered: 3, total: 4, percent: 75 }, branches: { covered: 1, total: 2, percent: 50 } });
  });

  it('warns on a tool mismatch in version 1', async () => {
    const request = makeRequest([taskStep('PublishCodeCoverageResults', '1', { summaryFileLocation: 'coverage.xml' })], { implicitCheckout: true });
    writeFiles(request.source.path, { 'coverage.xml': COBERTURA });
    const run = await runJob(request);
    const warnings = run.events.filter((event) => event.type === 'issue' && event.issueType === 'warning');

    expect(run.outcome.result).toBe('succeeded');
    expect(warnings.some((event) => 'message' in event && event.message.includes('codeCoverageTool is JaCoCo'))).toBe(true);
  });

  it('fails on no report with failIfCoverageEmpty', async () => {
    const request = makeRequest([taskStep('PublishCodeCoverageResults', '2', { summaryFileLocation: 'missing.xml', failIfCoverageEmpty: 'true' })], { implicitCheckout: true });
    const run = await runJob(request);

    expect(run.outcome.result).toBe('failed');
    expect(run.events.find((event) => event.type === 'issue' && event.issueType === 'error')).toMatchObject({ code: 'RUN024' });
  });

  it('warns on an unreadable report', async () => {
    const request = makeRequest([taskStep('PublishCodeCoverageResults', '2', { summaryFileLocation: 'coverage.xml' })], { implicitCheckout: true });
    writeFiles(request.source.path, { 'coverage.xml': '<coverage><broken' });
    const run = await runJob(request);

    expect(run.outcome.result).toBe('succeeded');
    expect(run.events.some((event) => event.type === 'issue' && event.code === 'COV001')).toBe(true);
    expect(run.outcome.coverage).toBeUndefined();
  });
});
