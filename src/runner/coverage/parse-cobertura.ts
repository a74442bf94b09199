import { attribute, childElements, parseDecimal, type XmlElement } from '../test-results/xml-element.js';
import { coverageCounter, sumCounters, type FileCoverage, type PackageCoverage } from './coverage-model.js';

/** Per-line data of one source file: hits per line number and branch counts per line. */
interface LineTable {
  hits: Map<number, number>;
  branches: Map<number, { covered: number; total: number }>;
}

/**
 * Reads a Cobertura report (`coverage/packages/package/classes/class/lines/line`).
 * Counts come from the `line` elements, because several classes can share one
 * file and the rates on `class` would count shared lines twice. A branch line's
 * counts come from `condition-coverage="50% (1/2)"`.
 */
export function parseCobertura(root: XmlElement): PackageCoverage[] {
  const packages: PackageCoverage[] = [];
  for (const packagesElement of childElements(root, 'packages')) {
    for (const packageElement of childElements(packagesElement, 'package')) packages.push(readPackage(packageElement));
  }
  return packages;
}

function readPackage(packageElement: XmlElement): PackageCoverage {
  const tables = new Map<string, LineTable>();
  for (const classes of childElements(packageElement, 'classes')) {
    for (const classElement of childElements(classes, 'class')) {
      const fileName = attribute(classElement, 'filename') ?? attribute(classElement, 'name') ?? '';
      let table = tables.get(fileName);
      if (table === undefined) {
        table = { hits: new Map(), branches: new Map() };
        tables.set(fileName, table);
      }
      addLines(classElement, table);
    }
  }

  const files: FileCoverage[] = [...tables.entries()].map(([path, table]) => fileCoverage(path, table));
  return {
    name: attribute(packageElement, 'name') ?? '',
    lines: sumCounters(files.map((file) => file.lines)),
    branches: sumCounters(files.map((file) => file.branches)),
    files,
  };
}

function addLines(classElement: XmlElement, table: LineTable): void {
  // Lines sit directly under `class/lines`; lines under `methods` repeat them and are skipped.
  for (const lines of childElements(classElement, 'lines')) {
    for (const line of childElements(lines, 'line')) {
      const number = parseDecimal(attribute(line, 'number'));
      if (number === undefined) continue;
      const hits = parseDecimal(attribute(line, 'hits')) ?? 0;
      table.hits.set(number, Math.max(table.hits.get(number) ?? 0, hits));

      const condition = /\((\d+)\/(\d+)\)/.exec(attribute(line, 'condition-coverage') ?? '');
      if (attribute(line, 'branch') === 'true' && condition !== null) {
        const covered = Number(condition[1]);
        const total = Number(condition[2]);
        const previous = table.branches.get(number);
        if (previous === undefined || covered > previous.covered) table.branches.set(number, { covered, total });
      }
    }
  }
}

function fileCoverage(path: string, table: LineTable): FileCoverage {
  const coveredLines = [...table.hits.values()].filter((hits) => hits > 0).length;
  let coveredBranches = 0;
  let totalBranches = 0;
  for (const branch of table.branches.values()) {
    coveredBranches += branch.covered;
    totalBranches += branch.total;
  }
  return { path, lines: coverageCounter(coveredLines, table.hits.size), branches: coverageCounter(coveredBranches, totalBranches) };
}
