import type { TestCaseResult } from './test-result-model.js';
import { attribute, childElements, childText, elementText, firstChild, parseDecimal, type XmlElement } from './xml-element.js';

/** Tests and duration read from one results document, before titles and masking. */
export interface ParsedTests {
  tests: TestCaseResult[];
  durationMs: number;
}

/** Root element names of JUnit XML: one suite, or a list of suites. */
export const JUNIT_ROOT_ELEMENTS = ['testsuites', 'testsuite'] as const;

/**
 * Reads JUnit XML (Ant/Maven Surefire shape and pytest's `--junitxml`):
 * `testsuites` or `testsuite` at the root, suites nested to any depth, and
 * per `testcase` the children `failure`, `error`, `skipped`, `system-out`
 * and `system-err`. Times are in seconds.
 */
export function parseJUnit(rootName: string, root: XmlElement): ParsedTests {
  const tests: TestCaseResult[] = [];
  const suites = rootName === 'testsuite' ? [root] : childElements(root, 'testsuite');
  for (const suite of suites) collectSuite(suite, tests);

  const rootSeconds = parseDecimal(attribute(root, 'time'));
  const suiteSeconds = suites.map((suite) => parseDecimal(attribute(suite, 'time')));
  let durationMs: number;
  if (rootSeconds !== undefined) durationMs = rootSeconds * 1000;
  else if (suiteSeconds.length > 0 && suiteSeconds.every((value) => value !== undefined)) {
    durationMs = suiteSeconds.reduce<number>((sum, value) => sum + (value ?? 0), 0) * 1000;
  } else durationMs = tests.reduce((sum, test) => sum + test.durationMs, 0);

  return { tests, durationMs: Math.round(durationMs) };
}

function collectSuite(suite: XmlElement, tests: TestCaseResult[]): void {
  const suiteName = attribute(suite, 'name') ?? '';
  const suiteOut = childText(suite, 'system-out');
  const suiteErr = childText(suite, 'system-err');

  for (const testCase of childElements(suite, 'testcase')) tests.push(readTestCase(testCase, suiteName, suiteOut, suiteErr));
  for (const nested of childElements(suite, 'testsuite')) collectSuite(nested, tests);
}

function readTestCase(testCase: XmlElement, suiteName: string, suiteOut?: string, suiteErr?: string): TestCaseResult {
  const seconds = parseDecimal(attribute(testCase, 'time')) ?? 0;
  const result: TestCaseResult = {
    name: attribute(testCase, 'name') ?? '',
    className: attribute(testCase, 'classname') ?? attribute(testCase, 'class') ?? suiteName,
    durationMs: Math.round(seconds * 1000),
    outcome: 'passed',
  };

  // A case may carry several failures (Surefire reruns); the first one decides the message.
  const failure = firstChild(testCase, 'failure');
  const error = firstChild(testCase, 'error');
  const skipped = firstChild(testCase, 'skipped');
  const problem = failure ?? error;
  if (problem !== undefined) {
    result.outcome = 'failed';
    result.failureKind = failure !== undefined ? 'failure' : 'error';
    setIfPresent(result, 'message', attribute(problem, 'message') ?? attribute(problem, 'type'));
    setIfPresent(result, 'stackTrace', elementText(problem).trim());
  } else if (skipped !== undefined) {
    result.outcome = 'skipped';
    setIfPresent(result, 'message', attribute(skipped, 'message') ?? elementText(skipped).trim());
  }

  // Suite-level output is used only when the case has none of its own (some runners write it there).
  setIfPresent(result, 'stdout', childText(testCase, 'system-out') ?? suiteOut);
  setIfPresent(result, 'stderr', childText(testCase, 'system-err') ?? suiteErr);
  return result;
}

/** Sets an optional text field only when it has content, so absent stays distinguishable from empty. */
export function setIfPresent(
  result: TestCaseResult,
  key: 'message' | 'stackTrace' | 'stdout' | 'stderr',
  value: string | undefined,
): void {
  if (value !== undefined && value !== '') result[key] = value;
}
