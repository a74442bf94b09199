import { describe, expect, it } from 'vitest';
import { serializeExpandedYaml } from '../../../src/language/templates/serialize-yaml.js';
import { nodeToValue } from '../../../src/language/templates/template-values.js';
import { loadYaml } from '../../../src/language/yaml/load-yaml.js';

function roundTrip(text: string): { output: string; same: boolean } {
  const original = loadYaml(text, 'in.yml').root!;
  const output = serializeExpandedYaml(original);
  const reparsed = loadYaml(output, 'out.yml');
  expect(reparsed.diagnostics).toEqual([]);
  return { output, same: JSON.stringify(nodeToValue(reparsed.root!)) === JSON.stringify(nodeToValue(original)) };
}

describe('serializeExpandedYaml', () => {
  it('keeps the digits of decimals', () => {
    const { output, same } = roundTrip('python: 3.10\ncount: 7\n');

    expect(output).toBe('python: 3.10\ncount: 7\n');
    expect(same).toBe(true);
  });

  it('quotes strings that look like other types', () => {
    const { output, same } = roundTrip("a: 'true'\nb: '3.10'\nc: 'null'\nd: yes\n");

    expect(output).toBe("a: 'true'\nb: '3.10'\nc: 'null'\nd: yes\n");
    expect(same).toBe(true);
  });

  it('writes multi-line strings as literal blocks', () => {
    const { output, same } = roundTrip('script: |\n  echo one\n  echo two\n');

    expect(output).toBe('script: |\n  echo one\n  echo two\n');
    expect(same).toBe(true);
  });

  it('keeps booleans, nulls and other number forms by value', () => {
    const { output, same } = roundTrip('a: True\nb: ~\nc: 0x1F\nd: 1e3\ne: [1, two]\n');

    expect(output).toBe('a: true\nb: null\nc: 31\nd: 1000\ne:\n  - 1\n  - two\n');
    expect(same).toBe(true);
  });

  it('keeps strings with special characters intact', () => {
    const { same } = roundTrip("a: '#not a comment'\nb: 'key: value'\nc: \"tab\\there\"\nd: '- dash'\ne: '*alias'\nf: \"$(macro) $[ x ]\"\n");

    expect(same).toBe(true);
  });
});
