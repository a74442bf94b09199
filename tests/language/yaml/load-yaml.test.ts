import { describe, expect, it } from 'vitest';
import { loadYaml } from '../../../src/language/yaml/load-yaml.js';
import { MAX_ALIAS_EXPANSION_NODES } from '../../../src/language/yaml/yaml-tree-builder.js';
import type { YamlMapping, YamlNode, YamlScalar } from '../../../src/language/yaml/yaml-node.js';

function get(node: YamlNode | undefined, ...path: (string | number)[]): YamlNode {
  let current = node;
  for (const step of path) {
    if (current?.kind === 'mapping' && typeof step === 'string') current = current.entries.find((e) => e.key.text === step)?.value;
    else if (current?.kind === 'sequence' && typeof step === 'number') current = current.items[step];
    else throw new Error(`no ${String(step)} in ${current?.kind}`);
  }
  if (!current) throw new Error(`missing ${path.join('.')}`);
  return current;
}

function scalar(node: YamlNode | undefined, ...path: (string | number)[]): YamlScalar {
  const found = get(node, ...path);
  if (found.kind !== 'scalar') throw new Error(`${path.join('.')} is a ${found.kind}`);
  return found;
}

const NESTED = ['steps:', '- task: Bash@3', '  inputs:', '    targetType: inline', '    script: echo hi', ''].join('\n');

describe('loadYaml positions', () => {
  it('locates nested nodes by line and column', () => {
    const { root, diagnostics } = loadYaml(NESTED, 'p.yml');
    expect(diagnostics).toEqual([]);

    const script = scalar(root, 'steps', 0, 'inputs', 'script');
    expect(script.location).toMatchObject({ file: 'p.yml', line: 5, column: 13, endLine: 5, endColumn: 20 });
    const key = (get(root, 'steps', 0, 'inputs') as YamlMapping).entries[1].key;
    expect(key.location).toMatchObject({ line: 5, column: 5 });
    expect(get(root, 'steps', 0).location).toMatchObject({ line: 2, column: 3 });
  });

  it('keeps positions with CRLF line ends', () => {
    const { root, diagnostics } = loadYaml(NESTED.replace(/\n/g, '\r\n'), 'p.yml');
    expect(diagnostics).toEqual([]);
    const script = scalar(root, 'steps', 0, 'inputs', 'script');
    expect(script.text).toBe('echo hi');
    expect(script.location).toMatchObject({ line: 5, column: 13, endColumn: 20 });
  });

  it('accepts a leading document marker', () => {
    const { root, diagnostics } = loadYaml(`---\n${NESTED}`, 'p.yml');
    expect(diagnostics).toEqual([]);
    expect(scalar(root, 'steps', 0, 'task').location).toMatchObject({ line: 3, column: 9 });
  });

  it('returns no root for an empty file', () => {
    const { root, diagnostics } = loadYaml('# only a comment\n', 'p.yml');
    expect(root).toBeUndefined();
    expect(diagnostics).toEqual([]);
  });
});

describe('loadYaml core schema', () => {
  it('resolves plain scalars with the YAML 1.2 core schema', () => {
    const { root } = loadYaml('a: yes\nb: 3.10\nc: true\nd: 42\ne: ~\nf: "true"\ng: off\n', 'p.yml');
    expect(scalar(root, 'a')).toMatchObject({ text: 'yes', tag: 'str' });
    expect(scalar(root, 'b')).toMatchObject({ text: '3.10', tag: 'float' });
    expect(scalar(root, 'c')).toMatchObject({ text: 'true', tag: 'bool' });
    expect(scalar(root, 'd')).toMatchObject({ text: '42', tag: 'int' });
    expect(scalar(root, 'e')).toMatchObject({ text: '~', tag: 'null' });
    expect(scalar(root, 'f')).toMatchObject({ text: 'true', tag: 'str', style: 'double-quoted' });
    expect(scalar(root, 'g')).toMatchObject({ text: 'off', tag: 'str' });
  });

  it('decodes repeated quote escapes', () => {
    const { root } = loadYaml("a: 'a''b''c'\n", 'p.yml');
    expect(scalar(root, 'a').text).toBe("a'b'c");
  });
});

describe('loadYaml leniency for shallow quoted continuations', () => {
  // Azure Pipelines (YamlDotNet) accepts these; the yaml package alone rejects them.
  it('accepts a single-quoted value continued at the key indent', () => {
    const text = ['- task: X', '  inputs:', "    params: ' -first one", "    -second two'", '    next: value', ''].join('\n');
    const { root, diagnostics } = loadYaml(text, 'p.yml');
    expect(diagnostics).toEqual([]);

    const params = scalar(root, 0, 'inputs', 'params');
    expect(params.text).toBe(' -first one -second two');
    expect(params.style).toBe('single-quoted');
    expect(params.location).toMatchObject({ line: 3, column: 13, endLine: 4, endColumn: 17 });
    expect(scalar(root, 0, 'inputs', 'next').location).toMatchObject({ line: 5, column: 11 });
  });

  it('accepts a double-quoted value continued below the key indent', () => {
    const text = ['a:', '  b: "one', ' two \\"x\\"', '', ' three"', '  c: d', ''].join('\n');
    const { root, diagnostics } = loadYaml(text, 'p.yml');
    expect(diagnostics).toEqual([]);
    expect(scalar(root, 'a', 'b').text).toBe('one two "x"\nthree');
    expect(scalar(root, 'a', 'c').location).toMatchObject({ line: 6, column: 6 });
  });

  it('accepts the continuation with CRLF line ends', () => {
    const text = ["params: 'a", "b'", 'x: 1', ''].join('\r\n');
    const { root, diagnostics } = loadYaml(text, 'p.yml');
    expect(diagnostics).toEqual([]);
    expect(scalar(root, 'params').text).toBe('a b');
    expect(scalar(root, 'x').location).toMatchObject({ line: 3, column: 4 });
  });
});

describe('loadYaml errors', () => {
  it('reports an unterminated quoted string at its opening quote', () => {
    const { diagnostics } = loadYaml("a: 'never closed\nb: 1\n", 'p.yml');
    const unterminated = diagnostics.find((d) => d.code === 'YAML002');
    expect(unterminated?.message).toBe('unterminated quoted string started here');
    expect(unterminated?.location).toMatchObject({ line: 1, column: 4 });
  });

  it('reports duplicate keys with the key and position', () => {
    const { diagnostics } = loadYaml('a: 1\nb: 2\na: 3\n', 'p.yml');
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].code).toBe('YAML003');
    expect(diagnostics[0].message).toContain('"a"');
    expect(diagnostics[0].location).toMatchObject({ line: 3, column: 1 });
  });

  it('reports a second document', () => {
    const { diagnostics } = loadYaml('a: 1\n---\nb: 2\n', 'p.yml');
    expect(diagnostics.map((d) => d.code)).toEqual(['YAML008']);
    expect(diagnostics[0].location?.line).toBe(2);
  });

  it('reports bad indentation with a position', () => {
    const { diagnostics } = loadYaml('a:\n  b: 1\n c: 2\n', 'p.yml');
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0].location?.line).toBe(3);
    expect(diagnostics[0].code).toMatch(/^YAML00\d$/);
  });

  it('collects several errors in one pass', () => {
    const { diagnostics } = loadYaml('a: 1\na: 2\nb: 1\nb: 2\n', 'p.yml');
    expect(diagnostics.map((d) => d.location?.line)).toEqual([2, 4]);
  });
});

describe('loadYaml aliases', () => {
  it('expands an alias into a copy', () => {
    const { root, diagnostics } = loadYaml('a: &x\n  k: v\nb: *x\n', 'p.yml');
    expect(diagnostics).toEqual([]);
    expect(scalar(root, 'b', 'k').text).toBe('v');
  });

  it('stops an alias bomb with a positioned error', () => {
    const levels = ['l0: &l0 [x, x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 10; level += 1) {
      const refs = Array.from({ length: 10 }, () => `*l${level - 1}`).join(', ');
      levels.push(`l${level}: &l${level} [${refs}]`);
    }
    const { root, diagnostics } = loadYaml(levels.join('\n') + '\n', 'bomb.yml');

    const budget = diagnostics.filter((d) => d.code === 'YAML006');
    expect(budget).toHaveLength(1);
    expect(budget[0].message).toContain(String(MAX_ALIAS_EXPANSION_NODES));
    expect(budget[0].location?.file).toBe('bomb.yml');
    expect(budget[0].location?.line).toBeGreaterThan(1);
    expect(root?.kind).toBe('mapping');
  });

  it('reports an undefined anchor', () => {
    const { diagnostics } = loadYaml('a: *missing\n', 'p.yml');
    expect(diagnostics.some((d) => d.code === 'YAML007' || d.code === 'YAML001')).toBe(true);
    expect(diagnostics[0].location?.line).toBe(1);
  });
});

describe('loadYaml indentation', () => {
  it('reports tab indentation with its line', () => {
    const { diagnostics } = loadYaml('a:\n\tb: 1\n', 'p.yml');
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0].location?.line).toBe(2);
    expect(diagnostics[0].code).toMatch(/^YAML00[145]$/);
  });
});

describe('loadYaml unclosed flow collections', () => {
  const cases = [
    { name: 'sequence', text: 'jobs:\n- job: A\n  displayName: [oops\n  steps: []\n', line: 3, column: 16, closing: ']' },
    { name: 'mapping', text: 'steps:\n- script: echo\n  env: { A: 1\n- script: x\n', line: 3, column: 8, closing: '}' },
  ];
  for (const { name, text, line, column, closing } of cases) {
    it(`points at the unclosed ${name}`, () => {
      const found = loadYaml(text, 'p.yml').diagnostics.filter((diagnostic) => diagnostic.code === 'YAML004');
      expect(found).toHaveLength(1);
      expect(found[0]!.location).toMatchObject({ line, column });
      expect(found[0]!.message).toBe(`the flow ${name} opened here has no closing ${closing}`);
    });
  }
});
