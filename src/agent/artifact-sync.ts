import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { manifestFolder, manifestPath, readArtifactManifest, type ArtifactManifest } from '../runner/artifacts/artifact-manifest.js';
import { validateArtifactName } from '../runner/artifacts/artifact-name.js';
import { blobPath } from '../runner/artifacts/blob-store.js';
import type { AgentClient } from './agent-client.js';
import { AgentError, AgentErrorCode } from './agent-error-codes.js';
import { AgentRoutes, type RemoteArtifactList } from './agent-protocol.js';

/**
 * Pipeline artifacts across machines. The runner on an agent publishes to
 * and downloads from a local store with the server's layout (manifests under
 * `artifacts/`, content-addressed blobs under `blobs/`). Before a job the
 * agent copies in what the run's store on the server has; after the job it
 * uploads the artifacts the job added, blobs first, so the server never holds
 * a manifest whose files are missing. Blobs already present are not sent again.
 */
export class ArtifactSync {
  private readonly serverNames = new Set<string>();

  constructor(
    private readonly client: AgentClient,
    private readonly jobId: number,
    private readonly localRoot: string,
  ) {}

  /** Copies the run's artifacts from the server into the local store; returns how many were new here. */
  async download(signal?: AbortSignal): Promise<number> {
    return this.wrap('downloading', async () => {
      const list = await this.client.json<RemoteArtifactList>('GET', AgentRoutes.artifacts(this.jobId), undefined, signal);
      let added = 0;
      for (const { name, manifest } of list?.artifacts ?? []) {
        validateArtifactName(name);
        this.serverNames.add(name);
        if (await exists(manifestPath(this.localRoot, name))) continue;
        for (const entry of (manifest as ArtifactManifest).entries) {
          if (entry.type !== 'file' || (await exists(blobPath(this.localRoot, entry.sha256)))) continue;
          const temporary = join(this.localRoot, 'tmp', randomUUID());
          await mkdir(dirname(temporary), { recursive: true });
          try {
            await this.client.downloadFile(AgentRoutes.blob(this.jobId, entry.sha256), temporary, signal);
            await mkdir(dirname(blobPath(this.localRoot, entry.sha256)), { recursive: true });
            await rename(temporary, blobPath(this.localRoot, entry.sha256));
          } finally {
            await rm(temporary, { force: true });
          }
        }
        await mkdir(manifestFolder(this.localRoot), { recursive: true });
        await writeFile(manifestPath(this.localRoot, name), JSON.stringify(manifest, null, 2), { mode: 0o600 });
        // Reading it back applies the runner's checks (safe paths, links inside the artifact).
        await readArtifactManifest(this.localRoot, name);
        added += 1;
      }
      return added;
    });
  }

  /** Uploads the artifacts in the local store that the server does not have; returns their names. */
  async upload(signal?: AbortSignal): Promise<string[]> {
    return this.wrap('uploading', async () => {
      const files = await readdir(manifestFolder(this.localRoot)).catch(() => [] as string[]);
      const uploaded: string[] = [];
      for (const file of files.filter((item) => item.endsWith('.json')).sort()) {
        const name = file.slice(0, -'.json'.length);
        if (this.serverNames.has(name)) continue;
        const manifest = await readArtifactManifest(this.localRoot, name);
        const hashes = [...new Set(manifest.entries.flatMap((entry) => (entry.type === 'file' ? [entry.sha256] : [])))];
        const answer = await this.client.json<{ missing: string[] }>('POST', AgentRoutes.missingBlobs(this.jobId), { sha256: hashes }, signal);
        for (const sha256 of answer?.missing ?? []) {
          await this.client.uploadFile(AgentRoutes.blob(this.jobId, sha256), blobPath(this.localRoot, sha256), signal);
        }
        await this.client.json('PUT', AgentRoutes.artifact(this.jobId, name), manifest, signal);
        this.serverNames.add(name);
        uploaded.push(name);
      }
      return uploaded;
    });
  }

  private async wrap<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (error instanceof AgentError) throw error;
      throw new AgentError(
        AgentErrorCode.ArtifactSyncFailed,
        `${action} the run's pipeline artifacts failed: ${(error as Error).message}`,
        'check the connection to the server and the free space in the work folder',
        { cause: error },
      );
    }
  }
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}
