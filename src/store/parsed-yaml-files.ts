import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LoadedYaml, ParsedYamlCache } from '../language/yaml/parsed-yaml-cache.js';

/** Entries kept; the least recently written beyond this are deleted. */
const MAX_ENTRIES = 32;

/**
 * A ParsedYamlCache in a folder: one JSON file per entry, named by the SHA-256
 * of `version`, the file name and the text. `version` names the build of Sluice
 * whose parser made the entry, so another build never reads it. Calls are
 * synchronous: a command reads one entry before anything else can run.
 */
export class ParsedYamlFiles implements ParsedYamlCache {
  constructor(
    private readonly folder: string,
    private readonly version: string,
  ) {}

  get(file: string, text: string): LoadedYaml | undefined {
    let entry: unknown;
    try {
      entry = JSON.parse(readFileSync(this.entryPath(file, text), 'utf8'));
    } catch {
      // Not cached yet, or unreadable: the caller parses the text.
      return undefined;
    }
    // An entry of another shape (edited or cut short) counts as missing.
    return isLoadedYaml(entry) ? entry : undefined;
  }

  set(file: string, text: string, loaded: LoadedYaml): void {
    try {
      mkdirSync(this.folder, { recursive: true });
      const path = this.entryPath(file, text);
      const pending = `${path}.${process.pid}.tmp`;
      writeFileSync(pending, JSON.stringify(loaded));
      renameSync(pending, path);
      this.prune();
    } catch {
      // A cache that cannot be written only costs the next command a parse.
    }
  }

  private entryPath(file: string, text: string): string {
    const key = createHash('sha256').update(this.version).update('\0').update(file).update('\0').update(text).digest('hex');
    return join(this.folder, `${key}.json`);
  }

  private prune(): void {
    const entries = readdirSync(this.folder).filter((name) => name.endsWith('.json'));
    if (entries.length <= MAX_ENTRIES) return;
    const byAge = entries.map((name) => ({ name, written: statSync(join(this.folder, name)).mtimeMs })).sort((a, b) => a.written - b.written);
    for (const entry of byAge.slice(0, entries.length - MAX_ENTRIES)) unlinkSync(join(this.folder, entry.name));
  }
}

/** Checks the outline of a stored entry: a diagnostics list, and a tree node or none. */
function isLoadedYaml(value: unknown): value is LoadedYaml {
  if (typeof value !== 'object' || value === null) return false;
  const { root, diagnostics } = value as { root?: unknown; diagnostics?: unknown };
  if (!Array.isArray(diagnostics)) return false;
  if (root === undefined) return true;
  const kind = (root as { kind?: unknown } | null)?.kind;
  return kind === 'scalar' || kind === 'mapping' || kind === 'sequence';
}
