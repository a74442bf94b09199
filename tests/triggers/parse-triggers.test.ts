import { describe, expect, it } from 'vitest';
import { loadYaml } from '../../src/language/yaml/load-yaml.js';
import type { YamlMapping } from '../../src/language/yaml/yaml-node.js';
import { findEntry } from '../../src/language/yaml/yaml-node.js';
import { parseCiTrigger } from '../../src/triggers/parse-ci-trigger.js';
import { parsePrTrigger } from '../../src/triggers/parse-pr-trigger.js';
import { parseSchedules } from '../../src/triggers/parse-schedules.js';

/** Loads YAML text and returns the located node of one root key. */
function rootValue(text: string, key: string) {
  const { root, diagnostics } = loadYaml(text, 'azure-pipelines.yml');
  expect(diagnostics).toEqual([]);
  const entry = findEntry(root as YamlMapping, key);
  expect(entry).toBeDefined();
  return entry!.value;
}

describe('parseCiTrigger forms (yaml-schema/trigger)', () => {
  it('reads the implied trigger when absent', () => {
    const { trigger } = parseCiTrigger(undefined);
    expect(trigger).toEqual({ kind: 'filters', implicit: true, batch: false, branches: { include: ['*'], exclude: [] } });
  });

  it('reads none from a located node', () => {
    const { trigger } = parseCiTrigger(rootValue('trigger: none\n', 'trigger'));
    expect(trigger.kind).toBe('none');
    expect(trigger.location?.line).toBe(1);
  });

  it('reads the full mapping', () => {
    const yaml = 'trigger:\n  batch: true\n  branches:\n    include: [main]\n  tags:\n    include: [v*]\n  paths:\n    exclude: [docs]\n';
    const { trigger, diagnostics } = parseCiTrigger(rootValue(yaml, 'trigger'));
    expect(diagnostics).toEqual([]);
    expect(trigger).toMatchObject({
      kind: 'filters', implicit: false, batch: true,
      branches: { include: ['main'], exclude: [] }, tags: { include: ['v*'], exclude: [] }, paths: { include: [], exclude: ['docs'] },
    });
  });

  it('accepts Azure boolean words for batch', () => {
    const { trigger, diagnostics } = parseCiTrigger({ batch: 'yes' });
    expect(diagnostics).toEqual([]);
    expect(trigger).toMatchObject({ kind: 'filters', batch: true });
  });
});

describe('parseCiTrigger diagnostics', () => {
  it('reports every bad value with its position', () => {
    const yaml = [
      'trigger:',
      '  batch: sometimes',
      '  branchez: [main]',
      '  branches:',
      '    include:',
      '    - $(Branch)',
      '    - [nested]',
      '  paths: docs',
      '',
    ].join('\n');
    const { diagnostics } = parseCiTrigger(rootValue(yaml, 'trigger'));
    const summary = diagnostics.map((d) => [d.code, d.location?.line, d.location?.column]);
    expect(summary).toEqual([
      ['TRG002', 3, 3],
      ['TRG004', 2, 10],
      ['TRG003', 6, 7],
      ['TRG001', 7, 7],
      ['TRG001', 8, 10],
    ]);
    expect(diagnostics[0].message).toContain('"branchez"');
    expect(diagnostics[1].hint).toContain('batch: true');
  });

  it('reports a single branch name scalar with a fix', () => {
    const { diagnostics } = parseCiTrigger(rootValue('trigger: main\n', 'trigger'));
    expect(diagnostics[0].code).toBe('TRG001');
    expect(diagnostics[0].location).toMatchObject({ file: 'azure-pipelines.yml', line: 1, column: 10 });
    expect(diagnostics[0].hint).toContain('- main');
  });

  it('reports plain values without a location', () => {
    const { diagnostics } = parseCiTrigger({ branches: { include: [''] } });
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].code).toBe('TRG003');
    expect(diagnostics[0].location).toBeUndefined();
  });
});

describe('parsePrTrigger forms (yaml-schema/pr)', () => {
  it('defaults autoCancel and drafts to true', () => {
    const { trigger } = parsePrTrigger({ branches: { include: ['main'] } });
    expect(trigger).toMatchObject({ kind: 'filters', autoCancel: true, drafts: true });
  });

  it('reads pr: none', () => {
    expect(parsePrTrigger('none').trigger.kind).toBe('none');
  });

  it('reports a bad drafts value and an unknown key', () => {
    const yaml = 'pr:\n  drafts: maybe\n  tags: [v1]\n';
    const { diagnostics } = parsePrTrigger(rootValue(yaml, 'pr'));
    expect(diagnostics.map((d) => [d.code, d.location?.line])).toEqual([['TRG002', 3], ['TRG004', 2]]);
  });
});

describe('parseSchedules (yaml-schema/schedules-cron)', () => {
  it('reads a schedule with its settings', () => {
    const yaml = [
      'schedules:',
      "- cron: '0 3 * * Mon-Fri'",
      '  displayName: Nightly',
      '  branches:',
      '    include: [main, releases/*]',
      '  always: true',
      '',
    ].join('\n');
    const { schedules, diagnostics } = parseSchedules(rootValue(yaml, 'schedules'));
    expect(diagnostics).toEqual([]);
    expect(schedules).toHaveLength(1);
    expect(schedules[0]).toMatchObject({ displayName: 'Nightly', always: true, batch: false, branches: { include: ['main', 'releases/*'] } });
    expect(schedules[0].cron.daysOfWeek).toEqual([1, 2, 3, 4, 5]);
  });

  it('points at the bad cron field inside a quoted scalar', () => {
    const yaml = "schedules:\n- cron: '0 25 * * *'\n";
    const { schedules, diagnostics } = parseSchedules(rootValue(yaml, 'schedules'));
    expect(schedules).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].code).toBe('TRG007');
    // The value starts at column 9 (the quote); "25" is at offset 2 inside it.
    expect(diagnostics[0].location).toMatchObject({ line: 2, column: 12 });
    expect(diagnostics[0].message).toContain('25 is outside 0-23');
  });

  it('keeps the valid schedules when one is bad', () => {
    const { schedules, diagnostics } = parseSchedules([{ cron: '0 0 * *' }, { cron: '30 1 * * *' }, { displayName: 'no cron' }]);
    expect(schedules.map((schedule) => schedule.cron.expression)).toEqual(['30 1 * * *']);
    expect(diagnostics.map((d) => d.code)).toEqual(['TRG006', 'TRG005']);
  });

  it('reads absent schedules as none', () => {
    expect(parseSchedules(undefined).schedules).toEqual([]);
  });
});
