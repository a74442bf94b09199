import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { CacheArchiveKind } from './cache-archive.js';

/** Default size limit of a local cache store, in bytes (10 GiB). Sluice's choice: Azure documents no per-pipeline limit. */
export const DEFAULT_CACHE_STORE_MAX_BYTES = 10 * 1024 * 1024 * 1024;

/** Stored metadata of one cache entry. Times are milliseconds since the epoch. */
export interface CacheEntry {
  /** The resolved key. */
  key: string;
  kind: CacheArchiveKind;
  /** Size of the archive in bytes. */
  sizeBytes: number;
  createdAt: number;
  lastAccessedAt: number;
}

/** Result of a lookup: the entry found, and whether the key itself matched or a restore-key prefix did. */
export interface CacheLookup {
  entry: CacheEntry;
  exact: boolean;
}

/** Options of {@link LocalCacheStore}. */
export interface LocalCacheStoreOptions {
  root: string;
  /** Most bytes of archives kept; least recently used entries are evicted past it. */
  maxBytes?: number;
  /** Clock in milliseconds; tests pass a counter so that order does not depend on timing. */
  now?: () => number;
}

/**
 * Cache entries on local disk: one gzip tar archive and one JSON metadata
 * file per key, named by the SHA-256 of the key. Entries are immutable; the
 * store keeps its total size under `maxBytes` by evicting the least recently
 * used entries (restored or saved longest ago) first.
 * NOTE: two processes saving at once can both evict; the sizes stay correct
 * but the store may drop one more entry than needed.
 */
export class LocalCacheStore {
  readonly root: string;
  readonly maxBytes: number;
  private readonly now: () => number;

  constructor(options: LocalCacheStoreOptions) {
    this.root = path.resolve(options.root);
    this.maxBytes = options.maxBytes ?? DEFAULT_CACHE_STORE_MAX_BYTES;
    this.now = options.now ?? Date.now;
  }

  /** Returns the archive path of an entry. */
  archivePath(key: string): string {
    return path.join(this.root, 'entries', `${entryId(key)}.tgz`);
  }

  /** Lists every entry, in no particular order. Metadata files that cannot be read are skipped. */
  async entries(): Promise<CacheEntry[]> {
    const folder = path.join(this.root, 'entries');
    const names = await readdir(folder).catch(() => [] as string[]);
    const entries: CacheEntry[] = [];
    for (const name of names.filter((item) => item.endsWith('.json'))) {
      const text = await readFile(path.join(folder, name), 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      try {
        entries.push(JSON.parse(text) as CacheEntry);
      } catch {
        // A metadata file cut short by a crash is treated as a missing entry.
      }
    }
    return entries;
  }

  /**
   * Finds the entry for `key`, or else the newest entry whose key starts with
   * the first restore key that matches any (restore keys are tried in order).
   */
  async lookup(key: string, restoreKeys: readonly string[] = []): Promise<CacheLookup | undefined> {
    const entries = await this.entries();
    const exact = entries.find((entry) => entry.key === key);
    if (exact !== undefined) return { entry: exact, exact: true };

    for (const prefix of restoreKeys) {
      const matches = entries.filter((entry) => entry.key.startsWith(prefix));
      if (matches.length === 0) continue;
      const newest = matches.reduce((best, entry) => (entry.createdAt > best.createdAt ? entry : best));
      return { entry: newest, exact: false };
    }
    return undefined;
  }

  /** Records that an entry was just used, which moves it to the back of the eviction order. */
  async touch(entry: CacheEntry): Promise<void> {
    await this.writeMetadata({ ...entry, lastAccessedAt: this.now() });
  }

  /**
   * Moves `archiveFile` into the store under `key` and evicts least recently
   * used entries until the store fits `maxBytes`. Returns false, keeping
   * nothing, when the key already exists (entries are immutable) or the
   * archive alone is larger than `maxBytes`.
   */
  async add(key: string, kind: CacheArchiveKind, archiveFile: string): Promise<boolean> {
    const sizeBytes = (await stat(archiveFile)).size;
    const existing = await stat(this.metadataPath(key)).catch(() => undefined);
    if (existing !== undefined || sizeBytes > this.maxBytes) {
      await rm(archiveFile, { force: true });
      return false;
    }

    await mkdir(path.join(this.root, 'entries'), { recursive: true });
    await rename(archiveFile, this.archivePath(key));
    const time = this.now();
    await this.writeMetadata({ key, kind, sizeBytes, createdAt: time, lastAccessedAt: time });
    await this.evict(key);
    return true;
  }

  /** Removes least recently used entries, never `keep`, until the total size fits; returns the evicted keys. */
  async evict(keep?: string): Promise<string[]> {
    const entries = (await this.entries()).sort((a, b) => a.lastAccessedAt - b.lastAccessedAt);
    let total = entries.reduce((sum, entry) => sum + entry.sizeBytes, 0);
    const evicted: string[] = [];
    for (const entry of entries) {
      if (total <= this.maxBytes) break;
      if (entry.key === keep) continue;
      await rm(this.metadataPath(entry.key), { force: true });
      await rm(this.archivePath(entry.key), { force: true });
      total -= entry.sizeBytes;
      evicted.push(entry.key);
    }
    return evicted;
  }

  /** Returns a fresh path in the store's temporary folder, for an archive being written. */
  async temporaryArchivePath(): Promise<string> {
    await mkdir(path.join(this.root, 'tmp'), { recursive: true });
    return path.join(this.root, 'tmp', `${randomUUID()}.tgz`);
  }

  private metadataPath(key: string): string {
    return path.join(this.root, 'entries', `${entryId(key)}.json`);
  }

  private async writeMetadata(entry: CacheEntry): Promise<void> {
    const target = this.metadataPath(entry.key);
    const temporary = `${target}.${randomUUID()}.tmp`;
    await writeFile(temporary, JSON.stringify(entry));
    await rename(temporary, target);
  }
}

function entryId(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}
