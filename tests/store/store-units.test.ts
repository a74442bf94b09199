import { describe, expect, it } from 'vitest';
import { demandsSatisfied } from '../../src/store/agent-demands.js';
import { SecretBox } from '../../src/store/secret-box.js';
import { StoreError } from '../../src/store/store-error.js';
import { StoreErrorCode } from '../../src/store/store-error-codes.js';
import { parseStoreUrl } from '../../src/store/store-url.js';

function thrown(action: () => unknown): StoreError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError, but nothing was thrown');
}

describe('store error codes', () => {
  it('are unique and numbered STORE001 on', () => {
    const codes = Object.values(StoreErrorCode);
    expect(new Set(codes).size).toBe(codes.length);
    expect([...codes].sort()).toEqual(codes.map((_, index) => `STORE${String(index + 1).padStart(3, '0')}`));
  });
});

describe('demandsSatisfied', () => {
  const capabilities = { 'Agent.OS': 'Linux', python: '3.12', docker: '' };
  const cases: [string[], boolean][] = [
    [[], true],
    [['python'], true],
    [['PYTHON'], true],
    [['docker'], true],
    [['java'], false],
    [['Agent.OS -equals Linux'], true],
    [['agent.os -EQUALS linux'], true],
    [['Agent.OS -equals Windows_NT'], false],
    [['python -equals 3.12', 'java'], false],
    [['java -equals 17'], false],
    [['python -gt 3'], false],
    [[''], false],
  ];
  for (const [demands, expected] of cases) {
    it(`${JSON.stringify(demands)} gives ${expected}`, () => {
      expect(demandsSatisfied(demands, capabilities)).toBe(expected);
    });
  }
});

describe('SecretBox', () => {
  const key = Buffer.alloc(32, 1);

  it('round-trips a value with a fresh IV each time', () => {
    const box = new SecretBox(key);
    const first = box.seal('s3cret value', 'ctx');
    const second = box.seal('s3cret value', 'ctx');
    expect(first).not.toBe(second);
    expect(first).not.toContain('s3cret');
    expect(box.open(first, 'ctx')).toBe('s3cret value');
    expect(box.open(second, 'ctx')).toBe('s3cret value');
  });

  it('rejects another context, a changed byte and a wrong key', () => {
    const box = new SecretBox(key);
    const sealed = box.seal('value', 'queue-time variable A');
    expect(thrown(() => box.open(sealed, 'queue-time variable B')).code).toBe(StoreErrorCode.SecretKeyInvalid);
    const parts = sealed.split(':');
    parts[3] = `${parts[3]!.startsWith('A') ? 'B' : 'A'}${parts[3]!.slice(1)}`;
    expect(thrown(() => box.open(parts.join(':'), 'queue-time variable A')).code).toBe(StoreErrorCode.SecretKeyInvalid);
    expect(thrown(() => new SecretBox(Buffer.alloc(32, 2)).open(sealed, 'queue-time variable A')).code).toBe(StoreErrorCode.SecretKeyInvalid);
    expect(thrown(() => box.open('not sealed', 'queue-time variable A')).code).toBe(StoreErrorCode.SecretKeyInvalid);
  });

  it('rejects a key of the wrong length and a missing key', () => {
    expect(thrown(() => new SecretBox(Buffer.alloc(16))).message).toContain('16 bytes, expected 32');
    const keyless = new SecretBox(undefined);
    expect(keyless.enabled).toBe(false);
    expect(thrown(() => keyless.seal('value', 'ctx')).code).toBe(StoreErrorCode.SecretKeyMissing);
  });
});

describe('parseStoreUrl', () => {
  it('reads SQLite and PostgreSQL forms', () => {
    expect(parseStoreUrl('sqlite:/var/lib/sluice/db.sqlite')).toEqual({ kind: 'sqlite', path: '/var/lib/sluice/db.sqlite' });
    expect(parseStoreUrl('sqlite:///var/lib/sluice/db.sqlite')).toEqual({ kind: 'sqlite', path: '/var/lib/sluice/db.sqlite' });
    expect(parseStoreUrl(':memory:')).toEqual({ kind: 'sqlite-memory' });
    expect(parseStoreUrl('sqlite::memory:')).toEqual({ kind: 'sqlite-memory' });
    expect(parseStoreUrl('postgres://u:p@db.internal/sluice')).toMatchObject({ kind: 'postgres', host: 'db.internal', port: 5432, database: 'sluice' });
    expect(parseStoreUrl('postgresql://u@127.0.0.1:6543/ci')).toMatchObject({ kind: 'postgres', host: '127.0.0.1', port: 6543, database: 'ci' });
  });

  it('rejects incomplete URLs without the password', () => {
    expect(thrown(() => parseStoreUrl('sqlite:')).code).toBe(StoreErrorCode.InvalidStoreUrl);
    const noDatabase = thrown(() => parseStoreUrl('postgres://u:hunter2@db.internal:5432/'));
    expect(noDatabase.code).toBe(StoreErrorCode.InvalidStoreUrl);
    expect(noDatabase.message).toContain("'db.internal'");
    expect(noDatabase.message).not.toContain('hunter2');
    expect(thrown(() => parseStoreUrl('/plain/path.db')).message).toContain('a URL without a scheme');
  });
});
