import { attribute, childElements, parseDecimal, type XmlElement } from '../test-results/xml-element.js';
import { coverageCounter, type CoverageCounter, type FileCoverage, type PackageCoverage } from './coverage-model.js';

/** JaCoCo counter types Sluice reports; JaCoCo also has INSTRUCTION, COMPLEXITY, METHOD and CLASS. */
type JaCoCoCounterType = 'LINE' | 'BRANCH';

/**
 * Reads a JaCoCo XML report: `report` with `package` elements (also inside
 * `group` elements, nested to any depth) and `sourcefile` children. Each level
 * carries `counter` elements with `missed` and `covered`; the report's own
 * counters give the totals. Source: jacoco.org/jacoco/trunk/coverage/report.dtd
 */
export function parseJaCoCo(root: XmlElement): PackageCoverage[] {
  const packages: PackageCoverage[] = [];
  collectPackages(root, packages);
  return packages;
}

/** Reads the element's own `counter` of `type`, or undefined when it has none. */
export function readJaCoCoCounter(element: XmlElement, type: JaCoCoCounterType): CoverageCounter | undefined {
  const counter = childElements(element, 'counter').find((item) => attribute(item, 'type') === type);
  if (counter === undefined) return undefined;
  const missed = parseDecimal(attribute(counter, 'missed')) ?? 0;
  const covered = parseDecimal(attribute(counter, 'covered')) ?? 0;
  return coverageCounter(covered, covered + missed);
}

function collectPackages(element: XmlElement, packages: PackageCoverage[]): void {
  for (const group of childElements(element, 'group')) collectPackages(group, packages);
  for (const packageElement of childElements(element, 'package')) packages.push(readPackage(packageElement));
}

function readPackage(packageElement: XmlElement): PackageCoverage {
  const name = attribute(packageElement, 'name') ?? '';
  const files: FileCoverage[] = childElements(packageElement, 'sourcefile').map((sourceFile) => {
    const fileName = attribute(sourceFile, 'name') ?? '';
    return {
      path: name === '' ? fileName : `${name}/${fileName}`,
      lines: readJaCoCoCounter(sourceFile, 'LINE') ?? coverageCounter(0, 0),
      branches: readJaCoCoCounter(sourceFile, 'BRANCH') ?? coverageCounter(0, 0),
    };
  });

  // A missing BRANCH counter means the code has no branches, so 0 of 0.
  return {
    name,
    lines: readJaCoCoCounter(packageElement, 'LINE') ?? coverageCounter(0, 0),
    branches: readJaCoCoCounter(packageElement, 'BRANCH') ?? coverageCounter(0, 0),
    files,
  };
}
