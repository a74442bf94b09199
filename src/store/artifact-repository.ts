import { basename, join } from 'node:path';
import type { Selectable } from 'kysely';
import { isUniqueViolation } from './database-errors.js';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import type { StoreDatabase } from './store-database.js';
import type { ArtifactTable } from './store-schema.js';

/** A published pipeline artifact. Its files live once per SHA-256 in the blob folder; the manifest lists them. */
export interface ArtifactEntry {
  runId: number;
  /** The job record that published it, when known. */
  recordId?: string;
  name: string;
  /** Manifest reference: its SHA-256, or its path relative to the artifact folder. */
  manifestRef: string;
  sizeBytes: number;
  fileCount: number;
  createdAt: string;
}

/**
 * Returns the folder of a run's artifact store (manifests and blobs) inside a
 * server's `files` folder (`Store.logs.root`, `<data>/files`). Server processes
 * that share one database share that folder too, so every process finds the
 * content of artifacts that another one's run published. The list of artifacts
 * comes from the `artifacts` table.
 */
export function artifactContentRoot(filesRoot: string, runId: number): string {
  return join(filesRoot, 'artifacts', String(runId));
}

/**
 * Returns the artifact store of a run as this server process reaches it, from
 * the path a job's request carries. Runs queued before artifacts moved to the
 * shared folder carry `<run work root>/artifacts`, which is kept. Every newer
 * run's store is `artifactContentRoot` of this process's own `files` folder,
 * because the shared folder may be mounted at another path on each server.
 */
export function jobArtifactRoot(filesRoot: string, runId: number, requestRoot: string | undefined): string {
  if (requestRoot !== undefined && basename(requestRoot) === 'artifacts') return requestRoot;
  return artifactContentRoot(filesRoot, runId);
}

/** Index of the artifacts each run published. */
export class ArtifactRepository {
  constructor(private readonly store: StoreDatabase) {}

  /** Records an artifact; throws STORE010 when the run already has one with this name, as Azure rejects a second upload. */
  async record(entry: Omit<ArtifactEntry, 'createdAt'>): Promise<ArtifactEntry> {
    try {
      const row = await this.store.db
        .insertInto('artifacts')
        .values({
          run_id: entry.runId,
          record_id: entry.recordId ?? null,
          name: entry.name,
          manifest_ref: entry.manifestRef,
          size_bytes: entry.sizeBytes,
          file_count: entry.fileCount,
          created_at: this.store.now(),
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toEntry(row);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      throw new StoreError(
        StoreErrorCode.AlreadyExists,
        `run ${entry.runId} already has an artifact named '${entry.name}'`,
        'give each published artifact of a run its own name',
        { cause: error },
      );
    }
  }

  /** Lists a run's artifacts by name. */
  async list(runId: number): Promise<ArtifactEntry[]> {
    const rows = await this.store.db.selectFrom('artifacts').selectAll().where('run_id', '=', runId).orderBy('name').execute();
    return rows.map(toEntry);
  }

  /** Returns one artifact of a run, or undefined. */
  async get(runId: number, name: string): Promise<ArtifactEntry | undefined> {
    const row = await this.store.db.selectFrom('artifacts').selectAll().where('run_id', '=', runId).where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toEntry(row);
  }
}

function toEntry(row: Selectable<ArtifactTable>): ArtifactEntry {
  const entry: ArtifactEntry = {
    runId: row.run_id,
    name: row.name,
    manifestRef: row.manifest_ref,
    sizeBytes: Number(row.size_bytes),
    fileCount: row.file_count,
    createdAt: row.created_at,
  };
  if (row.record_id !== null) entry.recordId = row.record_id;
  return entry;
}
