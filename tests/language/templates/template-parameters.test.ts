import { describe, expect, it } from 'vitest';
import { DiagnosticBag } from '../../../src/language/diagnostic.js';
import { checkParameterValue, isAllowedValue, readParameterDeclarations, type ParameterDeclaration, type ParameterType } from '../../../src/language/templates/template-parameters.js';
import { loadYaml } from '../../../src/language/yaml/load-yaml.js';
import type { YamlNode } from '../../../src/language/yaml/yaml-node.js';

function yaml(text: string): YamlNode {
  const { root, diagnostics } = loadYaml(text, 'value.yml');
  if (!root || diagnostics.length > 0) throw new Error(`bad test YAML: ${text}`);
  return root;
}

function declaration(type: ParameterType, extra: Partial<ParameterDeclaration> = {}): ParameterDeclaration {
  return { name: 'p', type, location: { file: 't.yml', line: 1, column: 1 }, ...extra };
}

/** Each row: type, value as YAML, whether it is accepted. */
const TYPE_CASES: [ParameterType, string, boolean][] = [
  ['string', 'hello', true],
  ['string', '[a]', false],
  ['number', '42', true],
  ['number', "'1,000.5'", true],
  ['number', 'many', false],
  ['number', "''", false],
  ['boolean', 'true', true],
  ['boolean', 'FALSE', true],
  ['boolean', 'apples', false],
  ['boolean', 'yes', false],
  ['object', '{a: [1, 2]}', true],
  ['step', '{script: echo}', true],
  ['step', '{job: a}', false],
  ['stepList', '[{script: a}, {task: T@1}, {template: t.yml}]', true],
  ['stepList', '[{script: a}, {job: b}]', false],
  ['stepList', 'not a list', false],
  ['job', '{job: a}', true],
  ['job', '{deployment: d}', true],
  ['jobList', '[{job: a}, {template: j.yml}]', true],
  ['jobList', '[{stage: s}]', false],
  ['deployment', '{deployment: d}', true],
  ['deployment', '{job: a}', false],
  ['deploymentList', '[{deployment: d}]', true],
  ['stage', '{stage: s}', true],
  ['stageList', '[{stage: s}, {template: s.yml}]', true],
  ['stageList', '[{job: j}]', false],
  ['stringList', '[a, b]', true],
  ['stringList', '[[a]]', false],
  ['container', 'ubuntu:22.04', true],
  ['container', '{image: ubuntu}', true],
  ['containerList', '[{container: c, image: i}]', true],
  ['pool', '{vmImage: ubuntu-latest}', true],
  ['pool', '[a]', false],
  ['environment', 'production', true],
  ['filePath', 'src/app.csproj', true],
  ['secureFile', 'cert.pfx', true],
  ['serviceConnection', 'azure-prod', true],
  ['legacyObject', '[1, {a: b}]', true],
];

describe('checkParameterValue', () => {
  for (const [type, text, accepted] of TYPE_CASES) {
    it(`${accepted ? 'accepts' : 'rejects'} ${text} as ${type}`, () => {
      expect(checkParameterValue(declaration(type), yaml(text)).ok).toBe(accepted);
    });
  }

  it('converts booleans and numbers', () => {
    const boolean = checkParameterValue(declaration('boolean'), yaml('False'));
    const number = checkParameterValue(declaration('number'), yaml("'2.5'"));

    expect(boolean).toMatchObject({ ok: true, value: false });
    expect(number).toMatchObject({ ok: true, value: 2.5 });
  });

  it('keeps the written text of strings', () => {
    const check = checkParameterValue(declaration('string'), yaml('3.10'));

    expect(check).toMatchObject({ ok: true, value: '3.10' });
  });

  it('describes the expected type', () => {
    const check = checkParameterValue(declaration('stepList'), yaml('[{script: a}, {job: b}]'));

    expect(check).toMatchObject({ ok: false, problem: expect.stringContaining('item 2') });
  });
});

describe('isAllowedValue', () => {
  const allowed = yaml('[Debug, Release]');
  const values = allowed.kind === 'sequence' ? (allowed.items as never[]) : [];

  it('accepts a listed value', () => {
    expect(isAllowedValue(declaration('string', { values }), yaml('Release'))).toBe(true);
  });

  it('rejects an unlisted value', () => {
    expect(isAllowedValue(declaration('string', { values }), yaml('Profile'))).toBe(false);
  });

  it('checks every item of a list', () => {
    expect(isAllowedValue(declaration('stringList', { values }), yaml('[Debug, Profile]'))).toBe(false);
  });
});

describe('readParameterDeclarations', () => {
  it('reads the list form with defaults', () => {
    const bag = new DiagnosticBag();
    const declarations = readParameterDeclarations(yaml('- name: a\n  type: boolean\n  default: true\n- name: b\n'), 'template', (location) => location, bag);

    expect(bag.items).toEqual([]);
    expect(declarations.map((item) => [item.name, item.type])).toEqual([
      ['a', 'boolean'],
      ['b', 'string'],
    ]);
  });

  it('reads the legacy mapping form', () => {
    const bag = new DiagnosticBag();
    const declarations = readParameterDeclarations(yaml('a: 1\nb: [x]\n'), 'template', (location) => location, bag);

    expect(declarations.map((item) => [item.name, item.type])).toEqual([
      ['a', 'legacyObject'],
      ['b', 'legacyObject'],
    ]);
  });

  it('reports bad declarations', () => {
    const bag = new DiagnosticBag();
    readParameterDeclarations(yaml('- name: a\n  type: strin\n- type: string\n- name: a\n- name: c\n  typo: x\n'), 'template', (location) => location, bag);

    expect(bag.items.map((item) => [item.code, item.location?.line])).toEqual([
      ['TPL014', 2],
      ['TPL014', 3],
      ['TPL014', 4],
      ['TPL014', 6],
    ]);
  });

  it('allows stringList only at pipeline level', () => {
    const pipelineBag = new DiagnosticBag();
    const templateBag = new DiagnosticBag();
    readParameterDeclarations(yaml('- name: a\n  type: stringList\n'), 'pipeline', (location) => location, pipelineBag);
    readParameterDeclarations(yaml('- name: a\n  type: stringList\n'), 'template', (location) => location, templateBag);

    expect(pipelineBag.items).toEqual([]);
    expect(templateBag.items.map((item) => item.code)).toEqual(['TPL014']);
  });
});
