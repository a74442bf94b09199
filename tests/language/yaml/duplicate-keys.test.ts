import { describe, expect, it } from 'vitest';
import { loadYaml } from '../../../src/language/yaml/load-yaml.js';

/*
 * A plain repeated key is YAML003, and the message quotes the whole key. Keys
 * written as template expressions may repeat, as they do in pipelines that
 * Azure Pipelines runs (two `${{ else }}` in one mapping).
 */

describe('duplicate keys', () => {
  it('quotes the whole key', () => {
    const { diagnostics } = loadYaml('displayName: a\nenv: {}\ndisplayName: b\n', 'p.yml');

    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('YAML003');
    expect(diagnostics[0]!.message).toBe('duplicate key "displayName": a mapping cannot contain the same key twice');
    expect(diagnostics[0]!.location).toMatchObject({ line: 3, column: 1 });
  });

  it('quotes a quoted key by its value', () => {
    const { diagnostics } = loadYaml("'my key': 1\n\"my key\": 2\n", 'p.yml');

    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.message).toContain('duplicate key "my key"');
  });

  it('reports a duplicate in a flow mapping', () => {
    const { diagnostics } = loadYaml('env: { NAME: a, NAME: b }\n', 'p.yml');

    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]!.code).toBe('YAML003');
    expect(diagnostics[0]!.message).toContain('"NAME"');
    expect(diagnostics[0]!.location).toMatchObject({ line: 1, column: 17 });
  });

  it('accepts two else keys in one mapping', () => {
    const text = [
      "${{ if eq(parameters.a, 'x') }}:",
      '  first: 1',
      '${{ else }}:',
      '  first: 2',
      "${{ if eq(parameters.b, 'y') }}:",
      '  second: 1',
      '${{ else }}:',
      '  second: 2',
      '',
    ].join('\n');

    const { root, diagnostics } = loadYaml(text, 'p.yml');

    expect(diagnostics).toEqual([]);
    expect(root?.kind === 'mapping' ? root.entries.map((entry) => entry.key.text) : []).toEqual([
      "${{ if eq(parameters.a, 'x') }}",
      '${{ else }}',
      "${{ if eq(parameters.b, 'y') }}",
      '${{ else }}',
    ]);
  });

  it('accepts two identical if keys', () => {
    const text = "${{ if eq(parameters.a, 'x') }}:\n  first: 1\n${{ if eq(parameters.a, 'x') }}:\n  second: 2\n";

    const { root, diagnostics } = loadYaml(text, 'p.yml');

    expect(diagnostics).toEqual([]);
    expect(root?.kind === 'mapping' ? root.entries : []).toHaveLength(2);
  });

  it('still rejects a repeated key that only contains an expression', () => {
    const { diagnostics } = loadYaml('a${{ parameters.x }}: 1\na${{ parameters.x }}: 2\n', 'p.yml');

    expect(diagnostics.map((diagnostic) => diagnostic.code)).toEqual(['YAML003']);
    expect(diagnostics[0]!.message).toContain('"a${{ parameters.x }}"');
  });
});
