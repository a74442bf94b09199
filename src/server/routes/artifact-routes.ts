import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create as createTar } from 'tar';
import { readArtifactManifest } from '../../runner/artifacts/artifact-manifest.js';
import { blobPath } from '../../runner/artifacts/blob-store.js';
import { downloadArtifact } from '../../runner/artifacts/download-artifact.js';
import { artifactContentRoot, type ArtifactEntry } from '../../store/artifact-repository.js';
import { ApiError } from '../api-error.js';
import type { RouteModule } from '../route-module.js';
import type { ServerContext } from '../server-context.js';
import { positiveId } from './route-params.js';

/**
 * Pipeline artifacts of a run: the list, one artifact's files, one file, and
 * the whole artifact as a gzipped tar. The list comes from the database and
 * the content from the shared `files` folder, so every server process on one
 * database serves the artifacts of runs that another process drove.
 */
export const artifactRoutes: RouteModule = {
  name: 'artifacts',
  register(app, context) {
    app.get<{ Params: { id: string } }>('/api/runs/:id/artifacts', async (request) => {
      const runId = positiveId(request.params.id, 'run id');
      return { artifacts: await context.store.artifacts.list(runId) };
    });

    app.get<{ Params: { id: string; name: string } }>('/api/runs/:id/artifacts/:name', async (request) => {
      const { runId, artifact } = await findArtifact(context, request.params);
      const manifest = await readArtifactManifest(await artifactRoot(context, runId), artifact.name);
      return { artifact, entries: manifest.entries.map((entry) => ({ ...entry })) };
    });

    app.get<{ Params: { id: string; name: string }; Querystring: { path?: string } }>('/api/runs/:id/artifacts/:name/file', async (request, reply) => {
      const { runId, artifact } = await findArtifact(context, request.params);
      const root = await artifactRoot(context, runId);
      const manifest = await readArtifactManifest(root, artifact.name);
      const entry = manifest.entries.find((item) => item.path === request.query.path);
      if (entry === undefined || entry.type !== 'file') {
        throw new ApiError('notFound', `artifact '${artifact.name}' has no file '${request.query.path ?? ''}'`, 'list its files with GET /api/runs/:id/artifacts/:name');
      }
      const fileName = entry.path.split('/').pop() ?? 'file';
      return reply
        .type('application/octet-stream')
        .header('content-disposition', `attachment; filename="${fileName.replace(/["\\\r\n]/g, '_')}"`)
        .send(createReadStream(blobPath(root, entry.sha256)));
    });

    app.get<{ Params: { id: string; name: string } }>('/api/runs/:id/artifacts/:name/download', async (request, reply) => {
      const { runId, artifact } = await findArtifact(context, request.params);
      const folder = await mkdtemp(join(tmpdir(), 'sluice-artifact-'));
      try {
        await downloadArtifact({ storeRoot: await artifactRoot(context, runId), name: artifact.name, targetPath: join(folder, artifact.name) });
      } catch (error) {
        await rm(folder, { recursive: true, force: true });
        throw error;
      }
      const archive = createTar({ gzip: true, cwd: folder, portable: true }, [artifact.name]);
      archive.on('end', () => void rm(folder, { recursive: true, force: true }));
      archive.on('error', () => void rm(folder, { recursive: true, force: true }));
      return reply
        .type('application/gzip')
        .header('content-disposition', `attachment; filename="${artifact.name.replace(/["\\\r\n]/g, '_')}.tar.gz"`)
        .send(archive);
    });
  },
};

async function findArtifact(context: ServerContext, params: { id: string; name: string }): Promise<{ runId: number; artifact: ArtifactEntry }> {
  const runId = positiveId(params.id, 'run id');
  const artifact = await context.store.artifacts.get(runId, params.name);
  if (artifact === undefined) throw new ApiError('notFound', `run ${runId} has no artifact '${params.name}'`, 'list them with GET /api/runs/:id/artifacts');
  return { runId, artifact };
}

/**
 * Returns the artifact store of a run: `<data>/files/artifacts/<run id>`, or,
 * for a run published before artifacts moved there, `<run work root>/artifacts`
 * of this process. Throws SRV003 when neither folder exists here.
 */
async function artifactRoot(context: ServerContext, runId: number): Promise<string> {
  const shared = artifactContentRoot(context.store.logs.root, runId);
  if (await isFolder(shared)) return shared;
  const local = join(context.runsRoot, String(runId), 'work', 'artifacts');
  if (await isFolder(local)) return local;
  throw new ApiError(
    'notFound',
    `the files of run ${runId}'s artifacts are not in ${shared}`,
    'server processes that share a database must share their <data>/files folder (a symlink or a network mount)',
  );
}

async function isFolder(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isDirectory() ?? false;
}
