import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import picomatch from 'picomatch';

/** Options for {@link findMatchingFiles}. */
export interface FindMatchingFilesOptions {
  /** Folder that relative patterns are rooted at. */
  searchFolder: string;
  /** Stops the walk; the returned promise then rejects with the signal's reason. */
  signal?: AbortSignal;
}

/**
 * Matching options of Azure's task library `findMatch`, which PublishTestResults,
 * CopyFiles and the artifact tasks use: dot files match, braces are literal.
 * Source: azure-pipelines-task-lib node/task.ts (findMatch defaults).
 */
const MATCH_OPTIONS: picomatch.PicomatchOptions = { dot: true, nobrace: true };

/**
 * Splits a multi-line pattern input into patterns. Blank lines and lines
 * starting with `#` are skipped, as in Azure's `findMatch`.
 */
export function splitPatternLines(patterns: string | readonly string[]): string[] {
  const lines = typeof patterns === 'string' ? patterns.split(/\r?\n/) : patterns.flatMap((item) => item.split(/\r?\n/));
  return lines.map((line) => line.trim()).filter((line) => line !== '' && !line.startsWith('#'));
}

/**
 * Finds the files that a list of minimatch patterns selects, with the
 * semantics of Azure's `findMatch`. Patterns apply in order. A pattern adds
 * the files it matches, and a pattern with an odd number of leading `!`
 * removes matching files from what earlier patterns added. Relative patterns
 * are rooted at `searchFolder`. Only files are returned, never folders; the
 * result is sorted and holds absolute paths.
 *
 * NOTE: symbolic links to folders are not followed, so a link loop cannot hang
 * the walk; Azure's `findMatch` follows them by default.
 */
export async function findMatchingFiles(
  patterns: string | readonly string[],
  options: FindMatchingFilesOptions,
): Promise<string[]> {
  const searchFolder = path.resolve(options.searchFolder);
  const walkCache = new Map<string, Promise<string[]>>();
  const selected = new Set<string>();

  for (const line of splitPatternLines(patterns)) {
    options.signal?.throwIfAborted();
    const negations = /^!+/.exec(line)?.[0].length ?? 0;
    const pattern = toPosix(path.resolve(searchFolder, line.slice(negations)));
    const isMatch = picomatch(pattern, MATCH_OPTIONS);

    if (negations % 2 === 1) {
      for (const file of [...selected]) if (isMatch(toPosix(file))) selected.delete(file);
      continue;
    }

    const base = picomatch.scan(pattern).base || '/';
    let listing = walkCache.get(base);
    if (listing === undefined) {
      listing = listFiles(base, options.signal);
      walkCache.set(base, listing);
    }
    for (const file of await listing) if (isMatch(toPosix(file))) selected.add(file);
  }

  return [...selected].sort();
}

/** Lists every file under `root` (or `root` itself when it is a file); a missing root lists nothing. */
async function listFiles(root: string, signal?: AbortSignal): Promise<string[]> {
  const rootStat = await stat(root).catch(() => undefined);
  if (rootStat === undefined) return [];
  if (!rootStat.isDirectory()) return [root];

  const files: string[] = [];
  const pending = [root];
  while (pending.length > 0) {
    signal?.throwIfAborted();
    const folder = pending.pop() as string;
    const entries = await readdir(folder, { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const full = path.join(folder, entry.name);
      if (entry.isDirectory()) pending.push(full);
      else if (entry.isFile()) files.push(full);
      else if (entry.isSymbolicLink() && (await isFileThroughLink(full))) files.push(full);
    }
  }
  return files;
}

async function isFileThroughLink(file: string): Promise<boolean> {
  const target = await stat(file).catch(() => undefined);
  return target?.isFile() ?? false;
}

function toPosix(value: string): string {
  return value.split(path.sep).join('/');
}

/**
 * Selects relative paths (with `/`) by minimatch patterns with the same
 * ordering and `!` rules as {@link findMatchingFiles}. Used to pick files
 * inside an artifact, where there is no folder to walk.
 */
export function filterPathsByPatterns(relativePaths: readonly string[], patterns: string | readonly string[]): string[] {
  const selected = new Set<string>();
  for (const line of splitPatternLines(patterns)) {
    const negations = /^!+/.exec(line)?.[0].length ?? 0;
    const isMatch = picomatch(line.slice(negations).replace(/^\.\//, ''), MATCH_OPTIONS);
    if (negations % 2 === 1) {
      for (const item of [...selected]) if (isMatch(item)) selected.delete(item);
    } else {
      for (const item of relativePaths) if (isMatch(item)) selected.add(item);
    }
  }
  return relativePaths.filter((item) => selected.has(item));
}
