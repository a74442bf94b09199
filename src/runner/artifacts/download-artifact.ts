import { chmod, mkdir, rm, symlink } from 'node:fs/promises';
import path from 'node:path';
import { filterPathsByPatterns } from '../test-results/find-matching-files.js';
import { readArtifactManifest, type ManifestEntry, type ManifestFileEntry } from './artifact-manifest.js';
import { validateArtifactName } from './artifact-name.js';
import { runWithConcurrency } from './bounded-pool.js';
import { DEFAULT_ARTIFACT_IO_CONCURRENCY } from './publish-artifact.js';
import { writeLargeVerifiedFile, writeSmallVerifiedFiles } from './write-verified-file.js';

/** Default of `itemPattern` (alias `patterns`) in DownloadPipelineArtifact@2. */
export const DEFAULT_ITEM_PATTERN = '**';

/** Inputs of {@link downloadArtifact}. */
export interface DownloadArtifactOptions {
  storeRoot: string;
  name: string;
  /** Folder the artifact's content is written into (created when missing). */
  targetPath: string;
  /** Multi-line minimatch patterns over paths inside the artifact, `!` to exclude; `**` by default. */
  patterns?: string;
  signal?: AbortSignal;
  /** Number of large files copied at once, {@link DEFAULT_ARTIFACT_IO_CONCURRENCY} by default. Small files are copied one at a time. */
  concurrency?: number;
}

/** Counts of the files, bytes and links a download wrote. */
export interface DownloadArtifactResult {
  files: number;
  bytes: number;
  links: number;
}

/**
 * Writes the selected content of an artifact into `targetPath`. Every blob is
 * hashed and compared with the manifest before its file appears: a small blob
 * in memory, a large one while it is copied to a temporary file that is then
 * renamed into place. A corrupted blob therefore never appears as a file.
 * Links are created last, and only when they stay inside the artifact.
 *
 * Throws ArtifactError: ART001 bad name, ART006 unknown artifact, ART009 bad
 * manifest, ART002 unsafe path, ART003 link leaving, ART008 missing blob,
 * ART007 corrupted blob.
 */
export async function downloadArtifact(options: DownloadArtifactOptions): Promise<DownloadArtifactResult> {
  validateArtifactName(options.name);
  const storeRoot = path.resolve(options.storeRoot);
  const targetPath = path.resolve(options.targetPath);
  const manifest = await readArtifactManifest(storeRoot, options.name);

  const patterns = options.patterns?.trim() ? options.patterns : DEFAULT_ITEM_PATTERN;
  const byPath = new Map<string, ManifestEntry>(manifest.entries.map((entry) => [entry.path, entry]));
  const selectable = manifest.entries.filter((entry) => entry.type !== 'directory').map((entry) => entry.path);
  const selected = filterPathsByPatterns(selectable, patterns).map((item) => byPath.get(item) as ManifestEntry);
  // Folders are made for everything selected, plus the empty folders when the pattern is `**`.
  const folders = new Set(selected.map((entry) => path.posix.dirname(entry.path)).filter((folder) => folder !== '.'));
  if (patterns.trim() === DEFAULT_ITEM_PATTERN) {
    for (const entry of manifest.entries) if (entry.type === 'directory') folders.add(entry.path);
  }

  await mkdir(targetPath, { recursive: true });
  for (const folder of [...folders].sort()) await mkdir(path.join(targetPath, ...folder.split('/')), { recursive: true });

  const files = selected.filter((entry): entry is ManifestFileEntry => entry.type === 'file');
  const large = await writeSmallVerifiedFiles(storeRoot, targetPath, options.name, files, options.signal);
  await runWithConcurrency(
    large,
    options.concurrency ?? DEFAULT_ARTIFACT_IO_CONCURRENCY,
    (entry) => writeLargeVerifiedFile(storeRoot, targetPath, options.name, entry, options.signal),
    options.signal,
  );

  // Folder modes are applied after the files, so a read-only folder does not block writing into it.
  for (const entry of manifest.entries) {
    if (entry.type === 'directory' && folders.has(entry.path)) await chmod(path.join(targetPath, ...entry.path.split('/')), entry.mode);
  }

  let links = 0;
  for (const entry of selected) {
    if (entry.type !== 'link') continue;
    const linkPath = path.join(targetPath, ...entry.path.split('/'));
    await rm(linkPath, { force: true });
    await symlink(entry.target, linkPath);
    links += 1;
  }

  return { files: files.length, bytes: files.reduce((sum, entry) => sum + entry.size, 0), links };
}
