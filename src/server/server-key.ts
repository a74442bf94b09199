import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SECRET_KEY_BYTES } from '../store/secret-box.js';

/**
 * Reads the server key that encrypts stored secrets from `path`, or creates
 * it (readable by the owner only) on first start. Servers that share a
 * PostgreSQL database must use the same key file.
 */
export async function loadOrCreateServerKey(path: string): Promise<Buffer> {
  const existing = await readFile(path, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing !== undefined) return Buffer.from(existing.trim(), 'base64');

  const key = randomBytes(SECRET_KEY_BYTES);
  await mkdir(dirname(path), { recursive: true });
  // `wx` fails when another process created the file in the meantime; its key is then read.
  try {
    await writeFile(path, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
  }
}
