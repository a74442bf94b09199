import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { ArtifactErrorCode } from './artifact-error-codes.js';
import { ArtifactError } from './artifact-error.js';

/** Version of the manifest shape written by this code. */
export const ARTIFACT_MANIFEST_VERSION = 1;

/** A regular file: its bytes are the blob named by `sha256`, and `mode` contains the permission bits. */
export interface ManifestFileEntry {
  type: 'file';
  path: string;
  size: number;
  sha256: string;
  mode: number;
}

/** A folder, recorded so that empty folders survive a round trip. */
export interface ManifestDirectoryEntry {
  type: 'directory';
  path: string;
  mode: number;
}

/** A symbolic link whose relative `target` stays inside the artifact. */
export interface ManifestLinkEntry {
  type: 'link';
  path: string;
  target: string;
}

export type ManifestEntry = ManifestFileEntry | ManifestDirectoryEntry | ManifestLinkEntry;

/**
 * The list of what an artifact contains. Paths are relative, use `/`, and are
 * sorted; file content lives once per SHA-256 in the store's blob folder.
 */
export interface ArtifactManifest {
  version: number;
  name: string;
  /** ISO 8601 time the artifact was published. */
  createdAt: string;
  /** Whether the published source was a single file (its entry is then the file's base name). */
  sourceIsFile: boolean;
  entries: ManifestEntry[];
}

/** Returns the folder of manifests in a store. */
export function manifestFolder(storeRoot: string): string {
  return path.join(storeRoot, 'artifacts');
}

/** Returns the manifest path of artifact `name`; the name must already be validated. */
export function manifestPath(storeRoot: string, name: string): string {
  return path.join(manifestFolder(storeRoot), `${name}.json`);
}

/**
 * Checks that an entry path is relative, uses `/`, and stays inside the
 * artifact. Throws ArtifactError ART002 otherwise.
 */
export function assertSafeEntryPath(entryPath: string, artifactName: string): void {
  const segments = entryPath.split('/');
  const unsafe =
    entryPath === '' ||
    entryPath.includes('\\') ||
    entryPath.includes('\u0000') ||
    path.posix.isAbsolute(entryPath) ||
    /^[A-Za-z]:/.test(entryPath) ||
    segments.some((segment) => segment === '..' || segment === '.' || segment === '');
  if (unsafe) {
    throw new ArtifactError(
      ArtifactErrorCode.UnsafeEntryPath,
      `artifact '${artifactName}' contains the unsafe path ${JSON.stringify(entryPath)}`,
      'entry paths must be relative and must not contain `..`; publish the artifact again',
    );
  }
}

/**
 * Resolves a link's target against the link's folder and reports whether the
 * result stays inside the artifact. Both paths use `/` and are relative to the
 * artifact root. The check is on the text of the path.
 */
export function linkStaysInside(linkPath: string, target: string): boolean {
  if (path.posix.isAbsolute(target) || target.includes('\\')) return false;
  const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(linkPath), target));
  return resolved !== '..' && !resolved.startsWith('../') && resolved !== '.';
}

/**
 * Reads and checks the manifest of artifact `name`. Throws ArtifactError
 * ART006 when it does not exist, ART009 when it is malformed, ART002 for an
 * unsafe path and ART003 for a link leaving the artifact.
 */
export async function readArtifactManifest(storeRoot: string, name: string): Promise<ArtifactManifest> {
  let text: string;
  try {
    text = await readFile(manifestPath(storeRoot, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new ArtifactError(
      ArtifactErrorCode.ArtifactNotFound,
      `artifact '${name}' was not found in this run`,
      'check the artifact name, and that the job publishing it ran before this one (add it to dependsOn)',
    );
  }

  const malformed = (reason: string): ArtifactError =>
    new ArtifactError(ArtifactErrorCode.InvalidManifest, `manifest of artifact '${name}' is invalid: ${reason}`, 'publish the artifact again');

  let manifest: ArtifactManifest;
  try {
    manifest = JSON.parse(text) as ArtifactManifest;
  } catch (error) {
    throw malformed((error as Error).message);
  }
  if (typeof manifest !== 'object' || manifest === null || !Array.isArray(manifest.entries)) throw malformed('it has no entries list');
  if (manifest.version !== ARTIFACT_MANIFEST_VERSION) throw malformed(`version ${String(manifest.version)} is not ${ARTIFACT_MANIFEST_VERSION}`);

  for (const entry of manifest.entries) {
    if (typeof entry !== 'object' || entry === null || typeof entry.path !== 'string') throw malformed('an entry has no path');
    assertSafeEntryPath(entry.path, name);
    if (!['file', 'directory', 'link'].includes(entry.type)) throw malformed(`entry '${entry.path}' has an unknown type`);
    if (entry.type === 'file' && !(/^[0-9a-f]{64}$/.test(entry.sha256) && Number.isSafeInteger(entry.size) && entry.size >= 0)) {
      throw malformed(`file entry '${entry.path}' has no valid sha256 and size`);
    }
    if (entry.type === 'link' && (typeof entry.target !== 'string' || !linkStaysInside(entry.path, entry.target))) {
      throw new ArtifactError(
        ArtifactErrorCode.LinkOutsideArtifact,
        `link '${entry.path}' in artifact '${name}' points outside the artifact`,
        'publish the artifact again without links that leave it',
      );
    }
  }
  return manifest;
}
