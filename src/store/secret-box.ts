import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';

/** Length of the server key in bytes: AES-256 needs 32. */
export const SECRET_KEY_BYTES = 32;

const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const FORMAT_PREFIX = 'v1';

/**
 * Encrypts secret values (queue-time secret variables, webhook secrets) with
 * the server key, AES-256-GCM with a random IV per value. `context` is bound
 * as associated data, so a ciphertext copied to another field fails to decrypt.
 * Without a key every call throws STORE007: secrets are then not stored at all.
 */
export class SecretBox {
  private readonly key: Buffer | undefined;

  constructor(key: Buffer | string | undefined) {
    this.key = key === undefined ? undefined : decodeKey(key);
  }

  /** True when a key is configured and secrets can be stored. */
  get enabled(): boolean {
    return this.key !== undefined;
  }

  /** Encrypts `value` for `context`; returns `v1:<iv>:<tag>:<ciphertext>`, base64url parts. */
  seal(value: string, context: string): string {
    const key = this.requireKey();
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const ciphertext = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
    const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
    return [FORMAT_PREFIX, ...parts].join(':');
  }

  /** Decrypts a value made by `seal` with the same context; throws STORE008 on a wrong key or context. */
  open(sealed: string, context: string): string {
    const key = this.requireKey();
    const [prefix, iv, tag, ciphertext] = sealed.split(':');
    if (prefix !== FORMAT_PREFIX || iv === undefined || tag === undefined || ciphertext === undefined) {
      throw cannotDecrypt(context);
    }
    try {
      const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv, 'base64url'));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, 'base64url')), decipher.final()]).toString('utf8');
    } catch (error) {
      throw cannotDecrypt(context, error);
    }
  }

  private requireKey(): Buffer {
    if (this.key !== undefined) return this.key;
    throw new StoreError(
      StoreErrorCode.SecretKeyMissing,
      'a secret value must be stored, but the store was opened without a secret key',
      `pass a ${SECRET_KEY_BYTES}-byte key (base64) as secretKey when opening the store`,
    );
  }
}

function decodeKey(key: Buffer | string): Buffer {
  const bytes = typeof key === 'string' ? Buffer.from(key, 'base64') : key;
  if (bytes.length === SECRET_KEY_BYTES) return bytes;
  throw new StoreError(
    StoreErrorCode.SecretKeyInvalid,
    `the secret key has ${bytes.length} bytes, expected ${SECRET_KEY_BYTES}`,
    `generate one with: node -e "console.log(require('crypto').randomBytes(${SECRET_KEY_BYTES}).toString('base64'))"`,
  );
}

function cannotDecrypt(context: string, cause?: unknown): StoreError {
  return new StoreError(
    StoreErrorCode.SecretKeyInvalid,
    `the stored secret for '${context}' cannot be decrypted with the configured key`,
    'open the store with the key it was written with, or set the secret again',
    { cause },
  );
}
