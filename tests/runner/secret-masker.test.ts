import { describe, expect, it } from 'vitest';
import { SecretMasker } from '../../src/runner/secret-masker.js';

describe('SecretMasker', () => {
  it('masks every occurrence of a secret', () => {
    const masker = new SecretMasker();
    masker.add('s3cr3t');
    expect(masker.mask('a s3cr3t and s3cr3ts3cr3t')).toBe('a *** and ******');
  });

  it('does not mask a part of a secret', () => {
    const masker = new SecretMasker();
    masker.add('abcdef');
    expect(masker.mask('abc def abcde')).toBe('abc def abcde');
  });

  it('masks URL, JSON and Base64 encodings', () => {
    const masker = new SecretMasker();
    const secret = 'p@ss w"rd/1';
    masker.add(secret);
    expect(masker.mask(`url=${encodeURIComponent(secret)}`)).toBe('url=***');
    expect(masker.mask(JSON.stringify({ token: secret }))).toBe('{"token":"***"}');
    expect(masker.mask(`b64 ${Buffer.from(secret).toString('base64')}`)).toBe('b64 ***');
  });

  it('prefers the longer of two overlapping secrets', () => {
    const masker = new SecretMasker();
    masker.add('abc');
    masker.add('abcdef');
    expect(masker.mask('xabcdefx abc')).toBe('x***x ***');
  });

  it('masks one-character secrets and ignores blank ones', () => {
    const masker = new SecretMasker();
    masker.add('7');
    masker.add('   ');
    masker.add('');
    expect(masker.mask('a7b 77   c')).toBe('a***b ******   c');
  });

  it('masks each line of a multi-line secret', () => {
    const masker = new SecretMasker();
    masker.add('line-one\nline-two');
    expect(masker.mask('got line-two here')).toBe('got *** here');
  });
});
