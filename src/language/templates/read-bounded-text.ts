import { open } from 'node:fs/promises';

/**
 * Most UTF-8 bytes that one UTF-16 code unit (one JavaScript string character)
 * can take: 3 for characters of the Basic Multilingual Plane, and 4 bytes for
 * the 2 code units of a character outside it.
 */
const MAX_UTF8_BYTES_PER_CHARACTER = 3;

/** A file's text, or its size in bytes when it contains more characters than allowed. */
export type BoundedText = { text: string; tooLarge?: undefined } | { tooLarge: true; bytes: number };

/**
 * Reads a UTF-8 file unless it contains more than `maxCharacters` characters. A
 * file whose size in bytes already proves that is rejected from its size
 * alone, without reading it, so a huge file costs no memory. Errors of
 * opening or reading the file are thrown, as from `readFile`.
 */
export async function readBoundedText(absolutePath: string, maxCharacters: number): Promise<BoundedText> {
  const handle = await open(absolutePath, 'r');
  try {
    const { size } = await handle.stat();
    if (size > maxCharacters * MAX_UTF8_BYTES_PER_CHARACTER) return { tooLarge: true, bytes: size };

    const text = await handle.readFile('utf8');
    if (text.length > maxCharacters) return { tooLarge: true, bytes: size };
    return { text };
  } finally {
    await handle.close();
  }
}
