import { describe, expect, it } from 'vitest';
import {
  expandMacros,
  findMacroReferences,
  MAX_MACRO_DEPTH,
} from '../../../src/language/variables/macro-expansion.js';

/** Creates a case-insensitive lookup over a map, because Azure's variable names ignore case. */
function lookupIn(variables: Record<string, string>): (name: string) => string | undefined {
  const lowered = new Map(Object.entries(variables).map(([key, value]) => [key.toLowerCase(), value]));
  return (name) => lowered.get(name.toLowerCase());
}

describe('expandMacros', () => {
  it('replaces known variables', () => {
    expect(expandMacros('echo $(a) and $(b)', lookupIn({ a: '1', b: '2' }))).toBe('echo 1 and 2');
  });

  it('leaves an unknown macro literal', () => {
    expect(expandMacros('echo $(nope) $(a)', lookupIn({ a: 'x' }))).toBe('echo $(nope) x');
  });

  it('looks names up through the lookup function, ignoring case', () => {
    expect(expandMacros('$(BUILD.SOURCEBRANCH)', lookupIn({ 'Build.SourceBranch': 'refs/heads/main' }))).toBe(
      'refs/heads/main',
    );
  });

  it('replaces an empty value', () => {
    expect(expandMacros('[$(empty)]', lookupIn({ empty: '' }))).toBe('[]');
  });

  it('expands a value that refers to another variable (docs: recursive expansion)', () => {
    const lookup = lookupIn({ myInner: 'someValue', myOuter: '$(myInner)' });
    expect(expandMacros('$(myOuter)', lookup)).toBe('someValue');
  });

  it('expands a chain several levels deep', () => {
    const lookup = lookupIn({ a: '<$(b)>', b: '<$(c)>', c: 'end' });
    expect(expandMacros('$(a)', lookup)).toBe('<<end>>');
  });

  it('leaves a macro literal when a value refers to itself', () => {
    expect(expandMacros('$(self)', lookupIn({ self: 'x$(self)y' }))).toBe('x$(self)y');
  });

  it('stops a cycle through several variables', () => {
    const lookup = lookupIn({ a: 'A$(b)', b: 'B$(a)' });
    expect(expandMacros('$(a)', lookup)).toBe('AB$(a)');
    expect(expandMacros('$(b)', lookup)).toBe('BA$(b)');
  });

  it('detects a cycle whatever the case of the name', () => {
    expect(expandMacros('$(Loop)', lookupIn({ loop: '[$(LOOP)]' }))).toBe('[$(LOOP)]');
  });

  it('stops at the depth limit', () => {
    const variables: Record<string, string> = {};
    for (let i = 0; i < MAX_MACRO_DEPTH + 5; i += 1) variables[`v${i}`] = `$(v${i + 1})`;
    variables[`v${MAX_MACRO_DEPTH + 5}`] = 'bottom';
    const result = expandMacros('$(v0)', lookupIn(variables));
    expect(result).toBe(`$(v${MAX_MACRO_DEPTH})`);
  });

  it('does not rescan text inserted by a replacement', () => {
    // The value is inserted as is; only values of variables are expanded, and `$(` + `b)` is built by the insertion.
    const lookup = lookupIn({ open: '$(', b: 'B' });
    expect(expandMacros('$(open)b)', lookup)).toBe('$(b)');
  });

  it('a miss continues scanning one character later', () => {
    expect(expandMacros('$($(a))', lookupIn({ a: 'x' }))).toBe('$(x)');
  });

  it('names may contain spaces and other characters the agent looks up', () => {
    expect(expandMacros('$(my var) $(a-b)', lookupIn({ 'my var': '1', 'a-b': '2' }))).toBe('1 2');
  });

  it('leaves unclosed and empty macros', () => {
    expect(expandMacros('$() $(a', lookupIn({ a: 'x', '': 'empty' }))).toBe('$() $(a');
  });

  it('leaves text without macros unchanged', () => {
    expect(expandMacros('no macros ${{ here }} $[ or here ]', lookupIn({}))).toBe('no macros ${{ here }} $[ or here ]');
  });
});

describe('findMacroReferences', () => {
  it('lists names with offsets', () => {
    expect(findMacroReferences('echo $(a) $(Build.SourceBranch)')).toEqual([
      { name: 'a', offset: 5 },
      { name: 'Build.SourceBranch', offset: 10 },
    ]);
  });

  it('lists every candidate the agent would look up', () => {
    expect(findMacroReferences('$($(x))')).toEqual([
      { name: '$(x', offset: 0 },
      { name: 'x', offset: 2 },
    ]);
  });

  it('skips empty and unclosed macros', () => {
    expect(findMacroReferences('$() $(open')).toEqual([]);
  });
});
