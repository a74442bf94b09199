import { lstat, mkdir, readdir, readlink, rename, writeFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { ArtifactErrorCode } from './artifact-error-codes.js';
import { ArtifactError } from './artifact-error.js';
import {
  ARTIFACT_MANIFEST_VERSION,
  linkStaysInside,
  manifestFolder,
  manifestPath,
  type ArtifactManifest,
  type ManifestEntry,
  type ManifestFileEntry,
} from './artifact-manifest.js';
import { validateArtifactName } from './artifact-name.js';
import { runWithConcurrency } from './bounded-pool.js';
import { prepareBlobStore, storeBlob } from './blob-store.js';
import { storeSmallFiles } from './store-small-files.js';

/**
 * Large files (over SMALL_FILE_BYTES) hashed and copied at once. Each copy
 * keeps one read and one write on the libuv thread pool, whose default size
 * is 4 threads, so 2 copies fill the pool.
 * Small files are copied one at a time with synchronous calls instead.
 */
export const DEFAULT_ARTIFACT_IO_CONCURRENCY = 2;

/** Links reported by name in one error message; the rest are counted. */
const MAX_LINKS_LISTED = 10;

/** Inputs of {@link publishArtifact}. */
export interface PublishArtifactOptions {
  /** Artifact store of the run. */
  storeRoot: string;
  name: string;
  /** File or folder to publish (`targetPath` of PublishPipelineArtifact@1). */
  sourcePath: string;
  signal?: AbortSignal;
  /** Number of large files copied at once, {@link DEFAULT_ARTIFACT_IO_CONCURRENCY} by default. Small files are copied one at a time. */
  concurrency?: number;
}

/**
 * Publishes a file or folder as a named artifact of the run: each file's
 * content is stored once by SHA-256, then the manifest is written (last, so an
 * interrupted publish leaves no artifact). Symbolic links are kept as relative
 * links when their target stays inside the artifact.
 *
 * Throws ArtifactError: ART001 bad name, ART004 missing source, ART005 name
 * already published, ART003 links leaving the artifact (all of them listed),
 * ART010 special files.
 */
export async function publishArtifact(options: PublishArtifactOptions): Promise<ArtifactManifest> {
  validateArtifactName(options.name);
  const storeRoot = path.resolve(options.storeRoot);
  const sourcePath = path.resolve(options.sourcePath);
  const target = manifestPath(storeRoot, options.name);

  if ((await lstat(target).catch(() => undefined)) !== undefined) {
    throw new ArtifactError(
      ArtifactErrorCode.ArtifactExists,
      `artifact '${options.name}' was already published in this run`,
      'artifacts cannot be changed after publishing; give this one another name',
    );
  }

  const sourceStat = await lstat(sourcePath).catch(() => undefined);
  if (sourceStat === undefined) {
    throw new ArtifactError(ArtifactErrorCode.SourceNotFound, `path to publish '${sourcePath}' does not exist`, 'check `targetPath`, and that an earlier step created it');
  }

  const entries = sourceStat.isDirectory()
    ? await listTree(sourcePath, options.signal)
    : [{ type: 'file', path: path.basename(sourcePath), size: 0, sha256: '', mode: sourceStat.mode & 0o777 } as ManifestFileEntry];
  checkLinks(entries, options.name);

  const root = sourceStat.isDirectory() ? sourcePath : path.dirname(sourcePath);
  const files = entries.filter((entry): entry is ManifestFileEntry => entry.type === 'file');
  await prepareBlobStore(storeRoot);
  const large = await storeSmallFiles(storeRoot, root, files, options.signal);
  await runWithConcurrency(
    large,
    options.concurrency ?? DEFAULT_ARTIFACT_IO_CONCURRENCY,
    async (entry) => {
      const stored = await storeBlob(storeRoot, path.join(root, ...entry.path.split('/')), options.signal);
      entry.sha256 = stored.sha256;
      entry.size = stored.size;
    },
    options.signal,
  );

  const manifest: ArtifactManifest = {
    version: ARTIFACT_MANIFEST_VERSION,
    name: options.name,
    createdAt: new Date().toISOString(),
    sourceIsFile: !sourceStat.isDirectory(),
    entries,
  };
  await mkdir(manifestFolder(storeRoot), { recursive: true });
  const temporary = `${target}.${randomUUID()}.tmp`;
  await writeFile(temporary, JSON.stringify(manifest));
  await rename(temporary, target);
  return manifest;
}

/** Lists every entry under `root` with paths relative to it; file hashes are filled in later. */
async function listTree(root: string, signal?: AbortSignal): Promise<ManifestEntry[]> {
  const entries: ManifestEntry[] = [];
  const special: string[] = [];
  const pending: string[] = [''];

  while (pending.length > 0) {
    signal?.throwIfAborted();
    const relativeFolder = pending.pop() as string;
    const children = await readdir(path.join(root, relativeFolder), { withFileTypes: true });
    for (const child of children) {
      const relative = relativeFolder === '' ? child.name : `${relativeFolder}/${child.name}`;
      const absolute = path.join(root, relative);
      if (child.isDirectory()) {
        entries.push({ type: 'directory', path: relative, mode: (await lstat(absolute)).mode & 0o777 });
        pending.push(relative);
      } else if (child.isFile()) {
        // Size, hash and mode are read later in the parallel pool.
        entries.push({ type: 'file', path: relative, size: 0, sha256: '', mode: 0 });
      } else if (child.isSymbolicLink()) {
        entries.push({ type: 'link', path: relative, target: await relativeLinkTarget(root, relative) });
      } else {
        special.push(relative);
      }
    }
  }

  if (special.length > 0) {
    throw new ArtifactError(
      ArtifactErrorCode.UnsupportedFileType,
      `cannot publish special files (sockets, FIFOs, devices): ${special.slice(0, MAX_LINKS_LISTED).join(', ')}`,
      'remove them from the folder, or publish a subfolder without them',
    );
  }
  return entries.sort(compareEntryPaths);
}

/** Orders entries by path in code-unit order, so manifests are the same on every machine. */
function compareEntryPaths(first: ManifestEntry, second: ManifestEntry): number {
  if (first.path < second.path) return -1;
  if (first.path > second.path) return 1;
  return 0;
}

/**
 * Reads a link and expresses its target relative to the link's folder with
 * `/`. An absolute target inside the artifact becomes relative; one outside
 * keeps a path that {@link checkLinks} rejects.
 */
async function relativeLinkTarget(root: string, relative: string): Promise<string> {
  const target = await readlink(path.join(root, relative));
  if (!path.isAbsolute(target)) return target.split(path.sep).join('/');
  const fromRoot = path.relative(root, target);
  if (fromRoot.startsWith('..') || path.isAbsolute(fromRoot)) return target.split(path.sep).join('/');
  return path.posix.relative(path.posix.dirname(relative), fromRoot.split(path.sep).join('/')) || '.';
}

function checkLinks(entries: readonly ManifestEntry[], name: string): void {
  const leaving = entries.filter((entry) => entry.type === 'link' && !linkStaysInside(entry.path, entry.target));
  if (leaving.length === 0) return;

  const listed = leaving.slice(0, MAX_LINKS_LISTED).map((entry) => `'${entry.path}'`).join(', ');
  const more = leaving.length > MAX_LINKS_LISTED ? ` and ${leaving.length - MAX_LINKS_LISTED} more` : '';
  throw new ArtifactError(
    ArtifactErrorCode.LinkOutsideArtifact,
    `artifact '${name}' has symbolic links pointing outside it: ${listed}${more}`,
    'copy the linked files into the folder, or remove the links before publishing',
  );
}
