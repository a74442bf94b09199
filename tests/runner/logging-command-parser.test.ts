import { describe, expect, it } from 'vitest';
import { escapeMessage, escapePropertyValue, unescapeCommandText } from '../../src/runner/logging-command-escaping.js';
import { parseFormattingCommand, parseLoggingCommand } from '../../src/runner/logging-command-parser.js';

interface ParseCase {
  name: string;
  line: string;
  expected?: { area: string; action: string; properties: Record<string, string>; message: string };
  decodePercents?: boolean;
}

// Golden table: each row is a raw output line and the decoded command (or none).
const CASES: ParseCase[] = [
  {
    name: 'plain setvariable',
    line: '##vso[task.setvariable variable=foo]bar',
    expected: { area: 'task', action: 'setvariable', properties: { variable: 'foo' }, message: 'bar' },
  },
  {
    name: 'command in the middle of a line',
    line: '+ echo ##vso[task.setvariable variable=x]1',
    expected: { area: 'task', action: 'setvariable', properties: { variable: 'x' }, message: '1' },
  },
  {
    name: 'keys and area are case-insensitive',
    line: '##vso[Task.SetVariable Variable=a;IsSecret=true;ISOUTPUT=false]v',
    expected: { area: 'task', action: 'setvariable', properties: { variable: 'a', issecret: 'true', isoutput: 'false' }, message: 'v' },
  },
  {
    name: 'first ] closes the command',
    line: '##vso[task.setvariable variable=a]b]c',
    expected: { area: 'task', action: 'setvariable', properties: { variable: 'a' }, message: 'b]c' },
  },
  {
    name: 'every escape decoded, with repeats',
    line: '##vso[task.setvariable variable=a%3Bb%3B]x%3By%3Bz%0D%0Aline2%0Aline3%5D%5Dend%AZP25%AZP25',
    expected: { area: 'task', action: 'setvariable', properties: { variable: 'a;b;' }, message: 'x;y;z\r\nline2\nline3]]end%%' },
  },
  {
    name: 'percent escape decoded last',
    line: '##vso[task.setvariable variable=test%AZP25]a%AZP253B%AZP250A',
    expected: { area: 'task', action: 'setvariable', properties: { variable: 'test%' }, message: 'a%3B%0A' },
  },
  {
    name: 'DECODE_PERCENTS=false keeps %AZP25',
    line: '##vso[task.setvariable variable=p]a%AZP25b%3Bc',
    decodePercents: false,
    expected: { area: 'task', action: 'setvariable', properties: { variable: 'p' }, message: 'a%AZP25b;c' },
  },
  {
    name: 'escapes are case-sensitive like the agent',
    line: '##vso[task.setvariable variable=l]a%3bb',
    expected: { area: 'task', action: 'setvariable', properties: { variable: 'l' }, message: 'a%3bb' },
  },
  {
    name: 'empty and valueless properties dropped',
    line: '##vso[task.logissue type=warning;;flag;sourcepath=a=b.py]careful',
    expected: { area: 'task', action: 'logissue', properties: { type: 'warning', sourcepath: 'a=b.py' }, message: 'careful' },
  },
  { name: 'no closing bracket', line: '##vso[task.setvariable variable=a' },
  { name: 'area without action', line: '##vso[task variable=a]b' },
  { name: 'three name parts', line: '##vso[task.set.variable variable=a]b' },
  { name: 'empty action', line: '##vso[task. variable=a]b' },
  { name: 'plain output', line: 'hello world' },
];

describe('parseLoggingCommand golden table', () => {
  for (const testCase of CASES) {
    it(testCase.name, () => {
      const parsed = parseLoggingCommand(testCase.line, testCase.decodePercents ?? true);
      if (!testCase.expected) {
        expect(parsed).toBeUndefined();
        return;
      }
      expect(parsed).toBeDefined();
      expect(parsed!.area).toBe(testCase.expected.area);
      expect(parsed!.action).toBe(testCase.expected.action);
      expect(Object.fromEntries(parsed!.properties)).toEqual(testCase.expected.properties);
      expect(parsed!.message).toBe(testCase.expected.message);
    });
  }
});

describe('logging command escaping', () => {
  it('round-trips property values with every special character', () => {
    const value = 'a;b\r\nc]d%e;;%%]]';
    const escaped = escapePropertyValue(value);
    expect(escaped).not.toMatch(/[;\r\n\]]/);
    expect(unescapeCommandText(escaped)).toBe(value);
  });

  it('round-trips messages with percent and line breaks', () => {
    const message = '100%\nnext%0Aliteral\r\n';
    expect(unescapeCommandText(escapeMessage(message))).toBe(message);
  });
});

describe('parseFormattingCommand', () => {
  const kinds = ['group', 'endgroup', 'warning', 'error', 'section', 'debug', 'command'] as const;
  for (const kind of kinds) {
    it(`recognises ##[${kind}]`, () => {
      expect(parseFormattingCommand(`##[${kind}]some text`)).toEqual({ kind, text: 'some text' });
    });
  }

  it('accepts any case and rejects unknown kinds', () => {
    expect(parseFormattingCommand('##[WARNING]w')).toEqual({ kind: 'warning', text: 'w' });
    expect(parseFormattingCommand('##[note]x')).toBeUndefined();
    expect(parseFormattingCommand('text ##[error]x')).toBeUndefined();
  });
});
