import { describe, expect, it } from 'vitest';
import { diagnosticsToJson, formatDiagnostics } from '../../src/cli/diagnostic-printer.js';
import type { Diagnostic } from '../../src/language/diagnostic.js';
import { SourceFileSet } from '../../src/language/source-file-set.js';
import { loadYaml } from '../../src/language/yaml/load-yaml.js';
import { normalizePipeline } from '../../src/language/pipeline/normalize-pipeline.js';

const TEXT = ['steps:', '- script: echo hi', '  continueOnErorr: true', ''].join('\n');

function sourcesWith(file: string, text: string): SourceFileSet {
  const sources = new SourceFileSet();
  sources.set(file, text);
  return sources;
}

describe('formatDiagnostics', () => {
  it('prints location, code, source line, caret span and hint', () => {
    const { root } = loadYaml(TEXT, 'azure-pipelines.yml');
    const { diagnostics } = normalizePipeline(root!, 'azure-pipelines.yml');
    const output = formatDiagnostics(diagnostics, sourcesWith('azure-pipelines.yml', TEXT));

    const lines = output.split('\n');
    expect(lines[0]).toBe('azure-pipelines.yml:3:3: error PIPE001: unknown key "continueOnErorr" in a "script" step');
    expect(lines[1]).toBe('  3 |   continueOnErorr: true');
    expect(lines[2]).toBe('    |   ^~~~~~~~~~~~~~~');
    expect(lines[3]).toBe('  hint: Did you mean "continueOnError"?');
  });

  it('prints a single caret for a multi-line range', () => {
    const diagnostic: Diagnostic = {
      code: 'YAML002',
      severity: 'error',
      message: 'unterminated quoted string started here',
      location: { file: 'a.yml', line: 1, column: 4, endLine: 3, endColumn: 2 },
    };
    const output = formatDiagnostics([diagnostic], sourcesWith('a.yml', "a: 'x\nb\nc\n"));
    expect(output.split('\n').slice(1, 3)).toEqual(["  1 | a: 'x", '    |    ^']);
  });

  it('prints the include chain', () => {
    const diagnostic: Diagnostic = {
      code: 'PIPE002',
      severity: 'warning',
      message: 'bad',
      location: {
        file: 'steps.yml', line: 2, column: 1,
        includedFrom: { file: 'main.yml', line: 5, column: 3, includedFrom: { file: 'root.yml', line: 1, column: 1 } },
      },
    };
    const output = formatDiagnostics([diagnostic], new SourceFileSet());
    expect(output).toContain('steps.yml:2:1: warning PIPE002: bad');
    expect(output).toContain('  included from main.yml:5:3\n  included from root.yml:1:1');
  });

  it('adds colour codes only on request', () => {
    const diagnostic: Diagnostic = { code: 'PIPE001', severity: 'error', message: 'm', location: { file: 'a.yml', line: 1, column: 1 } };
    const sources = sourcesWith('a.yml', 'a: 1\n');
    expect(formatDiagnostics([diagnostic], sources)).not.toContain('\u001b[');
    expect(formatDiagnostics([diagnostic], sources, { color: true })).toContain('\u001b[31m');
  });

  it('keeps tabs so the caret lines up', () => {
    const diagnostic: Diagnostic = { code: 'YAML005', severity: 'error', message: 'tab', location: { file: 't.yml', line: 1, column: 3 } };
    const output = formatDiagnostics([diagnostic], sourcesWith('t.yml', '\tx: 1\n'));
    expect(output.split('\n')[2]).toBe('    | \t ^');
  });
});

describe('diagnosticsToJson', () => {
  it('keeps codes, positions and the include chain', () => {
    const json = diagnosticsToJson([
      {
        code: 'PIPE003', severity: 'error', message: 'missing', hint: 'add it',
        location: { file: 'a.yml', line: 2, column: 3, endLine: 2, endColumn: 9, includedFrom: { file: 'b.yml', line: 1, column: 1 } },
      },
    ]);
    expect(json).toEqual([{
      code: 'PIPE003', severity: 'error', message: 'missing', hint: 'add it',
      location: { file: 'a.yml', line: 2, column: 3, endLine: 2, endColumn: 9, includedFrom: { file: 'b.yml', line: 1, column: 1 } },
    }]);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });
});
