import type { ParsedTests } from './parse-junit.js';
import { setIfPresent } from './parse-junit.js';
import type { TestCaseResult } from './test-result-model.js';
import { attribute, childElements, childText, firstChild, parseDecimal, type XmlElement } from './xml-element.js';

/** Root element names of xUnit.net v2 XML: a list of assemblies, or one assembly. */
export const XUNIT_ROOT_ELEMENTS = ['assemblies', 'assembly'] as const;

/**
 * Reads xUnit.net v2 XML: `assemblies/assembly/collection/test`, where each
 * test has `result` Pass, Fail or Skip, `time` in seconds, a `failure` with
 * `message` and `stack-trace`, a skip `reason` and captured `output`.
 * Source: xunit.net/docs/format-xml-v2
 */
export function parseXUnit(rootName: string, root: XmlElement): ParsedTests {
  const assemblies = rootName === 'assembly' ? [root] : childElements(root, 'assembly');
  const tests: TestCaseResult[] = [];
  let seconds = 0;

  for (const assembly of assemblies) {
    seconds += parseDecimal(attribute(assembly, 'time')) ?? 0;
    for (const collection of childElements(assembly, 'collection')) {
      for (const test of childElements(collection, 'test')) tests.push(readTest(test));
    }
  }

  if (seconds === 0) seconds = tests.reduce((sum, test) => sum + test.durationMs, 0) / 1000;
  return { tests, durationMs: Math.round(seconds * 1000) };
}

function readTest(test: XmlElement): TestCaseResult {
  const result: TestCaseResult = {
    name: attribute(test, 'name') ?? '',
    className: attribute(test, 'type') ?? '',
    durationMs: Math.round((parseDecimal(attribute(test, 'time')) ?? 0) * 1000),
    outcome: 'passed',
  };

  const outcome = (attribute(test, 'result') ?? '').toLowerCase();
  if (outcome === 'fail') {
    result.outcome = 'failed';
    result.failureKind = 'failure';
    const failure = firstChild(test, 'failure');
    if (failure !== undefined) {
      setIfPresent(result, 'message', childText(failure, 'message') ?? attribute(failure, 'exception-type'));
      setIfPresent(result, 'stackTrace', childText(failure, 'stack-trace'));
    }
  } else if (outcome === 'skip' || outcome === 'notrun') {
    result.outcome = 'skipped';
    setIfPresent(result, 'message', childText(test, 'reason'));
  }

  setIfPresent(result, 'stdout', childText(test, 'output'));
  return result;
}
