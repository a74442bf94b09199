import { mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ParsedYamlFiles } from '../../src/store/parsed-yaml-files.js';

const folders: string[] = [];
afterEach(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function cacheFolder(): string {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-parsed-yaml-'));
  folders.push(folder);
  return join(folder, 'parsed-yaml');
}

const tree = (text: string) => ({ root: { kind: 'scalar' as const, text, tag: 'str' as const, style: 'plain' as const, location: { file: 'a.yml', line: 1, column: 1 } }, diagnostics: [] });

describe('ParsedYamlFiles', () => {
  it('returns an entry only for the same build, file name and text', () => {
    const folder = cacheFolder();
    const cache = new ParsedYamlFiles(folder, 'build-1');
    expect(cache.get('a.yml', 'x: 1')).toBeUndefined();
    cache.set('a.yml', 'x: 1', tree('one'));
    expect(cache.get('a.yml', 'x: 1')).toEqual(tree('one'));
    expect(cache.get('b.yml', 'x: 1')).toBeUndefined();
    expect(cache.get('a.yml', 'x: 2')).toBeUndefined();
    expect(new ParsedYamlFiles(folder, 'build-2').get('a.yml', 'x: 1')).toBeUndefined();
  });

  it('keeps the 32 most recently written entries', () => {
    const folder = cacheFolder();
    const cache = new ParsedYamlFiles(folder, 'build-1');
    cache.set('a.yml', 'oldest', tree('oldest'));
    const [oldest] = readdirSync(folder);
    utimesSync(join(folder, oldest!), new Date(2000, 0, 1), new Date(2000, 0, 1));
    for (let index = 0; index < 32; index += 1) cache.set('a.yml', `text ${index}`, tree(String(index)));
    expect(readdirSync(folder)).toHaveLength(32);
    expect(cache.get('a.yml', 'oldest')).toBeUndefined();
    expect(cache.get('a.yml', 'text 31')).toEqual(tree('31'));
  });

  it('ignores entries of another shape', () => {
    const folder = cacheFolder();
    const cache = new ParsedYamlFiles(folder, 'build-1');
    cache.set('a.yml', 'x: 1', tree('one'));
    const [entry] = readdirSync(folder);
    for (const content of ['{}', '{"diagnostics":[],"root":{"kind":"other"}}', '[1]', 'null']) {
      writeFileSync(join(folder, entry!), content);
      expect(cache.get('a.yml', 'x: 1'), content).toBeUndefined();
    }
  });
});
