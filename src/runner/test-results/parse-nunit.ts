import type { ParsedTests } from './parse-junit.js';
import { setIfPresent } from './parse-junit.js';
import type { TestCaseResult } from './test-result-model.js';
import { attribute, childElements, childText, firstChild, parseDecimal, type XmlElement } from './xml-element.js';

/** Root element name of NUnit 3 XML. NUnit 2 (`test-results`) is not read yet. */
export const NUNIT_ROOT_ELEMENTS = ['test-run'] as const;

/**
 * Reads NUnit 3 XML: `test-run` with `test-suite` elements nested to any
 * depth and `test-case` leaves. `result` is Passed, Failed, Skipped, Inconclusive
 * or Warning; a Failed case with `label="Error"` is an unexpected error.
 * `duration` is in seconds. Source: docs.nunit.org/articles/nunit/technical-notes/usage/Test-Result-XML-Format
 */
export function parseNUnit(root: XmlElement): ParsedTests {
  const tests: TestCaseResult[] = [];
  for (const suite of childElements(root, 'test-suite')) collectSuite(suite, tests);

  const seconds = parseDecimal(attribute(root, 'duration'));
  const durationMs = seconds !== undefined ? seconds * 1000 : tests.reduce((sum, test) => sum + test.durationMs, 0);
  return { tests, durationMs: Math.round(durationMs) };
}

function collectSuite(suite: XmlElement, tests: TestCaseResult[]): void {
  const fixtureName = attribute(suite, 'type') === 'TestFixture' ? (attribute(suite, 'fullname') ?? '') : '';
  for (const testCase of childElements(suite, 'test-case')) tests.push(readTestCase(testCase, fixtureName));
  for (const nested of childElements(suite, 'test-suite')) collectSuite(nested, tests);
}

function readTestCase(testCase: XmlElement, fixtureName: string): TestCaseResult {
  const result: TestCaseResult = {
    name: attribute(testCase, 'name') ?? '',
    className: attribute(testCase, 'classname') ?? fixtureName,
    durationMs: Math.round((parseDecimal(attribute(testCase, 'duration')) ?? 0) * 1000),
    outcome: 'passed',
  };

  const outcome = (attribute(testCase, 'result') ?? '').toLowerCase();
  if (outcome === 'failed') {
    result.outcome = 'failed';
    result.failureKind = attribute(testCase, 'label') === 'Error' ? 'error' : 'failure';
    const failure = firstChild(testCase, 'failure');
    if (failure !== undefined) {
      setIfPresent(result, 'message', childText(failure, 'message'));
      setIfPresent(result, 'stackTrace', childText(failure, 'stack-trace'));
    }
  } else if (outcome === 'skipped' || outcome === 'inconclusive') {
    // NOTE: Azure shows Inconclusive as its own outcome; Sluice counts it as skipped.
    result.outcome = 'skipped';
    const reason = firstChild(testCase, 'reason');
    setIfPresent(result, 'message', reason === undefined ? undefined : childText(reason, 'message'));
  }

  setIfPresent(result, 'stdout', childText(testCase, 'output'));
  return result;
}
