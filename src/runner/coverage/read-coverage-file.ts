import { readFile, stat } from 'node:fs/promises';
import type { Diagnostic } from '../../language/diagnostic.js';
import { isXmlSyntaxProblem, parseXmlDocument } from '../test-results/xml-element.js';
import { CoverageErrorCode } from './coverage-error-codes.js';
import { coverageCounter, sumCounters, type CoverageFormat, type CoverageSummary, type PackageCoverage } from './coverage-model.js';
import { parseCobertura } from './parse-cobertura.js';
import { parseJaCoCo, readJaCoCoCounter } from './parse-jacoco.js';

/** Maximum size of a coverage report, in bytes, because the XML parser keeps the whole text in memory. */
export const MAX_COVERAGE_FILE_BYTES = 256 * 1024 * 1024;

/** Root element of each coverage format. */
const ROOT_FORMATS: Record<string, CoverageFormat> = { coverage: 'Cobertura', report: 'JaCoCo' };

/** A report read into a summary, or the problem that stopped it. */
export type CoverageFileResult = { summary: CoverageSummary; problem?: undefined } | { summary?: undefined; problem: Diagnostic };

/**
 * Reads a Cobertura or JaCoCo XML report into a line and branch summary, with
 * per-package and per-file figures. The format is detected from the root
 * element. Bad input returns a coded problem that names the file.
 */
export async function readCoverageFile(file: string): Promise<CoverageFileResult> {
  const problem = (code: string, message: string, hint: string, line = 1, column = 1): CoverageFileResult => ({
    problem: { code, severity: 'error', message, hint, location: { file, line, column } },
  });

  let text: string;
  try {
    const size = (await stat(file)).size;
    if (size > MAX_COVERAGE_FILE_BYTES) {
      return problem(CoverageErrorCode.FileTooLarge, `coverage file '${file}' is ${size} bytes, over the limit of ${MAX_COVERAGE_FILE_BYTES} bytes`, 'publish a smaller report');
    }
    text = await readFile(file, 'utf8');
  } catch (error) {
    return problem(CoverageErrorCode.ReadFailed, `cannot read coverage file '${file}': ${(error as Error).message}`, 'check that the file exists and is readable');
  }

  const document = parseXmlDocument(text.replace(/^\uFEFF/, ''));
  if (isXmlSyntaxProblem(document)) {
    return problem(CoverageErrorCode.NotXml, `coverage file '${file}' is not valid XML: ${document.message}`, 'check that the coverage tool finished writing the report', document.line, document.column);
  }

  const format = ROOT_FORMATS[document.rootName];
  if (format === undefined) {
    return problem(
      CoverageErrorCode.UnknownRootElement,
      `coverage file '${file}' has root element '${document.rootName}', which is neither Cobertura ('coverage') nor JaCoCo ('report')`,
      'write the report as Cobertura XML (for example `coverage xml` or `pytest --cov-report=xml`) or JaCoCo XML',
    );
  }

  if (format === 'Cobertura') {
    const packages = parseCobertura(document.root);
    return { summary: summarize(format, file, packages) };
  }

  const packages = parseJaCoCo(document.root);
  const summary = summarize(format, file, packages);
  // The report's own counters also count classes outside any listed package.
  summary.lines = readJaCoCoCounter(document.root, 'LINE') ?? summary.lines;
  summary.branches = readJaCoCoCounter(document.root, 'BRANCH') ?? summary.branches;
  return { summary };
}

function summarize(format: CoverageFormat, file: string, packages: PackageCoverage[]): CoverageSummary {
  return {
    format,
    file,
    lines: packages.length === 0 ? coverageCounter(0, 0) : sumCounters(packages.map((item) => item.lines)),
    branches: packages.length === 0 ? coverageCounter(0, 0) : sumCounters(packages.map((item) => item.branches)),
    packages,
  };
}
