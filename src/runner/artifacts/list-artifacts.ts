import { readdir } from 'node:fs/promises';
import { readArtifactManifest, manifestFolder } from './artifact-manifest.js';

/** One artifact of a run, as listed. */
export interface ArtifactSummary {
  name: string;
  /** ISO 8601 time the artifact was published. */
  createdAt: string;
  files: number;
  /** Total size of the files in bytes. Content shared by several files counts once for each file. */
  bytes: number;
}

/**
 * Lists the artifacts published in a run, sorted by name. A store that has
 * none yet returns an empty list; a damaged manifest throws its ArtifactError.
 */
export async function listArtifacts(storeRoot: string): Promise<ArtifactSummary[]> {
  const names = await readdir(manifestFolder(storeRoot)).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });

  const summaries: ArtifactSummary[] = [];
  for (const fileName of names.filter((item) => item.endsWith('.json')).sort()) {
    const manifest = await readArtifactManifest(storeRoot, fileName.slice(0, -'.json'.length));
    let files = 0;
    let bytes = 0;
    for (const entry of manifest.entries) {
      if (entry.type !== 'file') continue;
      files += 1;
      bytes += entry.size;
    }
    summaries.push({ name: manifest.name, createdAt: manifest.createdAt, files, bytes });
  }
  return summaries;
}
