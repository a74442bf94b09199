import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { serializeExpandedYaml } from '../../../src/language/templates/serialize-yaml.js';
import { describeDiagnostic, expandFolder, type CaseSettings, type ExpectedDiagnostic } from './expand-case.js';

/*
 * Each folder under cases/ is one golden case. It contains the pipeline
 * (azure-pipelines.yml unless case.json names another) and its template files.
 * An optional case.json gives runtime parameters, variables and repository
 * aliases. expected.yml is the serialised expansion; expected-errors.json lists
 * the code, position, include chain and a message fragment of every diagnostic.
 * Set SLUICE_UPDATE_GOLDEN=1 to write the expected files from the current output;
 * review every change before keeping it.
 */

const CASES = path.join(path.dirname(new URL(import.meta.url).pathname), 'cases');
const UPDATE = process.env.SLUICE_UPDATE_GOLDEN === '1';

const folders = readdirSync(CASES, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

describe('template golden cases', () => {
  it('finds the cases', () => {
    expect(folders.length).toBeGreaterThan(30);
  });

  for (const name of folders) {
    it(name, async () => {
      const folder = path.join(CASES, name);
      const settingsFile = path.join(folder, 'case.json');
      const settings: CaseSettings = existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')) : {};
      const result = await expandFolder(folder, settings);
      const diagnostics = [...result.loadDiagnostics, ...result.diagnostics];

      const expectedYaml = path.join(folder, 'expected.yml');
      const expectedErrors = path.join(folder, 'expected-errors.json');

      if (UPDATE) {
        if (diagnostics.length === 0 && result.root) writeFileSync(expectedYaml, serializeExpandedYaml(result.root));
        else writeFileSync(expectedErrors, `${JSON.stringify(diagnostics.map((diagnostic) => ({ ...describeDiagnostic(diagnostic), message: diagnostic.message })), null, 2)}\n`);
        return;
      }

      if (existsSync(expectedErrors)) {
        const expected: ExpectedDiagnostic[] = JSON.parse(readFileSync(expectedErrors, 'utf8'));
        expect(diagnostics.map(describeDiagnostic)).toEqual(expected.map(({ message: _message, ...rest }) => rest));
        expected.forEach((entry, index) => {
          if (entry.message) expect(diagnostics[index]?.message).toContain(entry.message);
        });
        return;
      }

      expect(diagnostics).toEqual([]);
      expect(result.root).toBeDefined();
      expect(serializeExpandedYaml(result.root!)).toBe(readFileSync(expectedYaml, 'utf8'));
    });
  }
});
