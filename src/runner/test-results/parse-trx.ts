import type { ParsedTests } from './parse-junit.js';
import { setIfPresent } from './parse-junit.js';
import type { TestCaseResult, TestOutcome } from './test-result-model.js';
import { attribute, childElements, childText, firstChild, type XmlElement } from './xml-element.js';

/** Root element name of a VSTest `.trx` file (namespace http://microsoft.com/schemas/VisualStudio/TeamTest/2010). */
export const TRX_ROOT_ELEMENTS = ['TestRun'] as const;

/**
 * Outcomes of a TRX `UnitTestResult`. Error, Timeout and Aborted count as
 * failures; NotExecuted, Inconclusive and the rest count as skipped.
 */
const TRX_OUTCOMES: Record<string, TestOutcome> = {
  passed: 'passed',
  passedbutrunaborted: 'passed',
  warning: 'passed',
  failed: 'failed',
  error: 'failed',
  timeout: 'failed',
  aborted: 'failed',
};

/**
 * Reads a VSTest `.trx` file: `Results/UnitTestResult` elements joined to
 * `TestDefinitions/UnitTest/TestMethod` by `testId` for the class name.
 * Durations are `hh:mm:ss.fffffff`; the run duration comes from `Times`.
 */
export function parseTrx(root: XmlElement): ParsedTests {
  const classNames = new Map<string, string>();
  for (const definitions of childElements(root, 'TestDefinitions')) {
    for (const unitTest of childElements(definitions, 'UnitTest')) {
      const method = firstChild(unitTest, 'TestMethod');
      const id = attribute(unitTest, 'id');
      if (id !== undefined && method !== undefined) classNames.set(id, attribute(method, 'className') ?? '');
    }
  }

  const tests: TestCaseResult[] = [];
  // NOTE: data-driven rows under `InnerResults` are not read; the parent result stands for them.
  for (const results of childElements(root, 'Results')) {
    for (const unitResult of childElements(results, 'UnitTestResult')) tests.push(readResult(unitResult, classNames));
  }

  const times = firstChild(root, 'Times');
  const start = Date.parse(attribute(times ?? '', 'start') ?? '');
  const finish = Date.parse(attribute(times ?? '', 'finish') ?? '');
  const durationMs = Number.isFinite(start) && Number.isFinite(finish) && finish >= start
    ? finish - start
    : tests.reduce((sum, test) => sum + test.durationMs, 0);
  return { tests, durationMs };
}

function readResult(unitResult: XmlElement, classNames: Map<string, string>): TestCaseResult {
  const outcomeText = (attribute(unitResult, 'outcome') ?? '').toLowerCase();
  const outcome = TRX_OUTCOMES[outcomeText] ?? 'skipped';
  const result: TestCaseResult = {
    name: attribute(unitResult, 'testName') ?? '',
    className: classNames.get(attribute(unitResult, 'testId') ?? '') ?? '',
    durationMs: parseTimeSpan(attribute(unitResult, 'duration')),
    outcome,
  };
  if (outcome === 'failed') result.failureKind = outcomeText === 'failed' ? 'failure' : 'error';

  const output = firstChild(unitResult, 'Output');
  if (output !== undefined) {
    const errorInfo = firstChild(output, 'ErrorInfo');
    if (errorInfo !== undefined) {
      setIfPresent(result, 'message', childText(errorInfo, 'Message'));
      setIfPresent(result, 'stackTrace', childText(errorInfo, 'StackTrace'));
    }
    setIfPresent(result, 'stdout', childText(output, 'StdOut'));
    setIfPresent(result, 'stderr', childText(output, 'StdErr'));
  }
  return result;
}

/** Converts a .NET TimeSpan text (`[d.]hh:mm:ss[.fffffff]`) to whole milliseconds; 0 when invalid. */
export function parseTimeSpan(value: string | undefined): number {
  const match = /^(?:(\d+)\.)?(\d+):(\d+):(\d+(?:\.\d+)?)$/.exec((value ?? '').trim());
  if (match === null) return 0;
  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  const totalSeconds = Number(days) * 86_400 + Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds);
  return Math.round(totalSeconds * 1000);
}
