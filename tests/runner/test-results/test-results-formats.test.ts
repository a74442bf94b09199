import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readTestResultsFile } from '../../../src/runner/test-results/read-test-results-file.js';
import { TestResultsErrorCode } from '../../../src/runner/test-results/test-results-error-codes.js';
import type { TestCaseResult } from '../../../src/runner/test-results/test-result-model.js';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const noMask = (text: string): string => text;

function byName(tests: TestCaseResult[], name: string): TestCaseResult {
  const found = tests.find((test) => test.name === name);
  if (found === undefined) throw new Error(`test '${name}' not in results`);
  return found;
}

describe('JUnit', () => {
  it('reads nested suites with every outcome', async () => {
    const { run } = await readTestResultsFile(path.join(fixtures, 'TEST-nested.xml'), 'JUnit', 'unit', noMask);
    expect(run?.summary).toEqual({ total: 5, passed: 2, failed: 2, skipped: 1, durationMs: 2500 });

    const divides = byName(run!.tests, 'divides');
    expect(divides.className).toBe('com.example.MathTest');
    expect(divides.durationMs).toBe(500);
    expect(divides.outcome).toBe('failed');
    expect(divides.failureKind).toBe('failure');
    expect(divides.message).toBe('expected 2 but was 3');
    expect(divides.stackTrace).toContain('at com.example.MathTest.divides(MathTest.java:20)');
    expect(divides.stdout).toBe('dividing 6 by 3');
    expect(divides.stderr).toBe('warning: slow path');

    const connects = byName(run!.tests, 'connects');
    expect(connects.outcome).toBe('failed');
    expect(connects.failureKind).toBe('error');
    expect(connects.message).toBe('connection refused');

    const later = byName(run!.tests, 'later');
    expect(later.outcome).toBe('skipped');
    expect(later.message).toBe('not on CI');
  });

  it('reads times with thousands separators', async () => {
    const { run } = await readTestResultsFile(path.join(fixtures, 'TEST-nested.xml'), 'JUnit', 'unit', noMask);
    expect(byName(run!.tests, 'token is <hunter2>').durationMs).toBe(1_000_000);
  });

  it('reads the pytest flavour', async () => {
    const { run } = await readTestResultsFile(path.join(fixtures, 'TEST-pytest.xml'), 'JUnit', 'py', noMask);
    expect(run?.summary).toEqual({ total: 5, passed: 1, failed: 2, skipped: 2, durationMs: 43 });
    expect(byName(run!.tests, 'test_sub').stackTrace).toContain('tests/test_calc.py:6: AssertionError');
    expect(byName(run!.tests, 'test_skip').message).toBe('no network');
    expect(byName(run!.tests, 'test_fixture').failureKind).toBe('error');
    expect(byName(run!.tests, 'test_fixture').message).toBe('failed on setup with "RuntimeError: boom"');
    expect(byName(run!.tests, 'test_add').className).toBe('tests.test_calc');
  });

  it('masks secrets in every text', async () => {
    const mask = (text: string): string => text.split('hunter2').join('***');
    const { run } = await readTestResultsFile(path.join(fixtures, 'TEST-nested.xml'), 'JUnit', 'run hunter2', mask);
    expect(run?.title).toBe('run ***');
    const secretTest = run!.tests.find((test) => test.className === 'com.example.SecretTest');
    expect(secretTest?.name).toBe('token is <***>');
    expect(secretTest?.stdout).toBe('password=*** printed');
    expect(JSON.stringify(run)).not.toContain('hunter2');
  });
});

describe('xUnit 2', () => {
  it('reads assemblies, failures and skips', async () => {
    const { run } = await readTestResultsFile(path.join(fixtures, 'xunit2.xml'), 'XUnit', 'x', noMask);
    expect(run?.summary).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1, durationMs: 321 });
    const divides = byName(run!.tests, 'Calc.Tests.MathTests.Divides');
    expect(divides.className).toBe('Calc.Tests.MathTests');
    expect(divides.durationMs).toBe(20);
    expect(divides.message).toBe('Assert.Equal() Failure\nExpected: 2\nActual:   3');
    expect(divides.stackTrace).toBe('at Calc.Tests.MathTests.Divides() in /src/Calc.Tests/MathTests.cs:line 20');
    expect(byName(run!.tests, 'Calc.Tests.MathTests.Later').message).toBe('not ready');
    expect(byName(run!.tests, 'Calc.Tests.MathTests.Adds').stdout).toBe('adding numbers');
  });
});

describe('NUnit 3', () => {
  it('reads nested suites and error labels', async () => {
    const { run } = await readTestResultsFile(path.join(fixtures, 'nunit3.xml'), 'NUnit', 'n', noMask);
    expect(run?.summary).toEqual({ total: 4, passed: 1, failed: 2, skipped: 1, durationMs: 1234 });
    expect(byName(run!.tests, 'Divides').failureKind).toBe('failure');
    expect(byName(run!.tests, 'Divides').message).toBe('Expected: 2\n  But was:  3');
    expect(byName(run!.tests, 'Throws').failureKind).toBe('error');
    expect(byName(run!.tests, 'Later').message).toBe('not ready');
    expect(byName(run!.tests, 'Adds').className).toBe('Calc.MathTests');
    expect(byName(run!.tests, 'Adds').stdout).toBe('adding');
  });
});

describe('VSTest trx', () => {
  it('joins results to definitions', async () => {
    const { run } = await readTestResultsFile(path.join(fixtures, 'results.trx'), 'VSTest', 'v', noMask);
    expect(run?.summary).toEqual({ total: 3, passed: 1, failed: 1, skipped: 1, durationMs: 2500 });
    const divides = byName(run!.tests, 'Divides');
    expect(divides.className).toBe('Calc.Tests.MathTests');
    expect(divides.durationMs).toBe(1250);
    expect(divides.message).toBe('Assert.AreEqual failed. Expected:<2>. Actual:<3>.');
    expect(divides.stderr).toBe('division warning');
    expect(byName(run!.tests, 'Later').outcome).toBe('skipped');
  });
});

describe('bad files', () => {
  it('rejects text that is not XML', async () => {
    const file = path.join(fixtures, 'TEST-not-xml.xml');
    const { problem } = await readTestResultsFile(file, 'JUnit', 't', noMask);
    expect(problem?.code).toBe(TestResultsErrorCode.NotXml);
    expect(problem?.location?.file).toBe(file);
    expect(problem?.message).toContain(file);
  });

  it('reports where truncated XML stops', async () => {
    const { problem } = await readTestResultsFile(path.join(fixtures, 'TEST-truncated.xml'), 'JUnit', 't', noMask);
    expect(problem?.code).toBe(TestResultsErrorCode.NotXml);
    expect(problem?.location?.line).toBe(4);
  });

  it('rejects an unknown root element', async () => {
    const { problem } = await readTestResultsFile(path.join(fixtures, 'TEST-html.xml'), 'JUnit', 't', noMask);
    expect(problem?.code).toBe(TestResultsErrorCode.UnknownRootElement);
    expect(problem?.message).toContain("'html'");
  });

  it('suggests the format a file has', async () => {
    const { problem } = await readTestResultsFile(path.join(fixtures, 'results.trx'), 'JUnit', 't', noMask);
    expect(problem?.code).toBe(TestResultsErrorCode.UnknownRootElement);
    expect(problem?.hint).toContain('testResultsFormat: VSTest');
  });

  it('reports a missing file', async () => {
    const { problem } = await readTestResultsFile(path.join(fixtures, 'absent.xml'), 'JUnit', 't', noMask);
    expect(problem?.code).toBe(TestResultsErrorCode.ReadFailed);
  });
});
