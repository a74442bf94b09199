import { readFile, stat } from 'node:fs/promises';
import type { Diagnostic } from '../../language/diagnostic.js';
import { JUNIT_ROOT_ELEMENTS, parseJUnit, type ParsedTests } from './parse-junit.js';
import { NUNIT_ROOT_ELEMENTS, parseNUnit } from './parse-nunit.js';
import { parseTrx, TRX_ROOT_ELEMENTS } from './parse-trx.js';
import { parseXUnit, XUNIT_ROOT_ELEMENTS } from './parse-xunit.js';
import { TestResultsErrorCode } from './test-results-error-codes.js';
import { maskTestCase, summarizeTests, type MaskSecrets, type TestResultsFormat, type TestRun } from './test-result-model.js';
import { isXmlSyntaxProblem, parseXmlDocument, type XmlElement } from './xml-element.js';

/**
 * Maximum size of a results file, in bytes, because the XML parser keeps the
 * whole text in memory. By estimate a JUnit file of 10,000 passing tests is a
 * few megabytes, so the limit is generous.
 */
export const MAX_TEST_RESULTS_FILE_BYTES = 256 * 1024 * 1024;

/** Root element names each format accepts, for detection and for the error message. */
export const ROOT_ELEMENTS_BY_FORMAT: Record<TestResultsFormat, readonly string[]> = {
  JUnit: JUNIT_ROOT_ELEMENTS,
  XUnit: XUNIT_ROOT_ELEMENTS,
  NUnit: NUNIT_ROOT_ELEMENTS,
  VSTest: TRX_ROOT_ELEMENTS,
};

/** A results file read into a run, or the problem that stopped it. */
export type TestResultsFileResult = { run: TestRun; problem?: undefined } | { run?: undefined; problem: Diagnostic };

/**
 * Reads one results file in the given format into a run titled `title`.
 * Every text in the run and in the problem passes through `maskSecrets`.
 * A file that is not XML, or whose root element does not belong to the
 * format, returns a coded problem that names the file. Bad input is never
 * thrown.
 */
export async function readTestResultsFile(
  file: string,
  format: TestResultsFormat,
  title: string,
  maskSecrets: MaskSecrets,
): Promise<TestResultsFileResult> {
  const problem = (code: string, message: string, hint: string, line = 1, column = 1): TestResultsFileResult => ({
    problem: { code, severity: 'error', message: maskSecrets(message), hint: maskSecrets(hint), location: { file, line, column } },
  });

  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_TEST_RESULTS_FILE_BYTES) {
      return problem(
        TestResultsErrorCode.FileTooLarge,
        `test results file '${file}' is ${size} bytes, over the limit of ${MAX_TEST_RESULTS_FILE_BYTES} bytes`,
        'split the results into several files',
      );
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    return problem(TestResultsErrorCode.ReadFailed, `cannot read test results file '${file}': ${(error as Error).message}`, 'check that the file exists and is readable');
  }

  const document = parseXmlDocument(text.replace(/^\uFEFF/, ''));
  if (isXmlSyntaxProblem(document)) {
    return problem(
      TestResultsErrorCode.NotXml,
      `test results file '${file}' is not valid XML: ${document.message}`,
      `check that the test runner wrote a complete ${format} XML file to this path`,
      document.line,
      document.column,
    );
  }

  const expected = ROOT_ELEMENTS_BY_FORMAT[format];
  if (!expected.includes(document.rootName)) {
    const detected = detectTestResultsFormat(document.rootName);
    const detectedHint = detected === undefined ? '' : ` The file looks like ${detected}: set testResultsFormat: ${detected}.`;
    return problem(
      TestResultsErrorCode.UnknownRootElement,
      `test results file '${file}' has root element '${document.rootName}', which is not ${format} (expected ${expected.map((name) => `'${name}'`).join(' or ')})`,
      `select the matching testResultsFormat, or exclude this file from testResultsFiles.${detectedHint}`,
    );
  }

  const parsed = parseDocument(format, document.rootName, document.root);
  const tests = parsed.tests.map((test) => maskTestCase(test, maskSecrets));
  return { run: { title: maskSecrets(title), format, files: [file], summary: summarizeTests(tests, parsed.durationMs), tests } };
}

/** Returns the format whose root element is `rootName`, or undefined when none has it. */
export function detectTestResultsFormat(rootName: string): TestResultsFormat | undefined {
  const formats = Object.keys(ROOT_ELEMENTS_BY_FORMAT) as TestResultsFormat[];
  return formats.find((format) => ROOT_ELEMENTS_BY_FORMAT[format].includes(rootName));
}

function parseDocument(format: TestResultsFormat, rootName: string, root: XmlElement): ParsedTests {
  switch (format) {
    case 'JUnit':
      return parseJUnit(rootName, root);
    case 'XUnit':
      return parseXUnit(rootName, root);
    case 'NUnit':
      return parseNUnit(root);
    case 'VSTest':
      return parseTrx(root);
  }
}
