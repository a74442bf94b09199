import { isUniqueViolation, notFoundError } from './database-errors.js';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import type { StoreDatabase } from './store-database.js';
import type { PipelineTable } from './store-schema.js';
import type { Selectable } from 'kysely';

/** Default path of the pipeline file in a repository, as Azure Pipelines assumes. */
export const DEFAULT_YAML_PATH = 'azure-pipelines.yml';

const WEBHOOK_SECRET_CONTEXT = 'pipeline webhook secret';

/** Settings of a pipeline that a user adds or changes. */
export interface PipelineInput {
  name: string;
  repositoryUrl: string;
  yamlPath?: string;
  defaultBranch?: string;
  /** Seconds between `git ls-remote` polls; undefined or null for webhooks only. */
  pollingIntervalSeconds?: number | null;
  /** Shared secret for webhook signatures, stored encrypted with the server key; null removes it. */
  webhookSecret?: string | null;
}

/** A pipeline as stored. The webhook secret is never part of it: use `webhookSecret(id)`. */
export interface Pipeline {
  id: number;
  name: string;
  repositoryUrl: string;
  yamlPath: string;
  defaultBranch: string;
  pollingIntervalSeconds?: number;
  hasWebhookSecret: boolean;
  createdAt: string;
  updatedAt: string;
}

/** Pipelines: a repository, the YAML file to run and how changes are noticed. */
export class PipelineRepository {
  constructor(private readonly store: StoreDatabase) {}

  /** Adds a pipeline; throws STORE010 when the name is taken. */
  async create(input: PipelineInput): Promise<Pipeline> {
    const time = this.store.now();
    try {
      const row = await this.store.db
        .insertInto('pipelines')
        .values({
          name: input.name,
          repository_url: input.repositoryUrl,
          yaml_path: input.yamlPath ?? DEFAULT_YAML_PATH,
          default_branch: input.defaultBranch ?? 'main',
          polling_interval_seconds: checkedInterval(input.pollingIntervalSeconds),
          webhook_secret_sealed: this.sealSecret(input.webhookSecret),
          created_at: time,
          updated_at: time,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toPipeline(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(input.name, error);
      throw error;
    }
  }

  /** Returns the pipeline with this id, or undefined. */
  async get(id: number): Promise<Pipeline | undefined> {
    const row = await this.store.db.selectFrom('pipelines').selectAll().where('id', '=', id).executeTakeFirst();
    return row === undefined ? undefined : toPipeline(row);
  }

  /** Returns the pipeline with this name, or undefined. */
  async getByName(name: string): Promise<Pipeline | undefined> {
    const row = await this.store.db.selectFrom('pipelines').selectAll().where('name', '=', name).executeTakeFirst();
    return row === undefined ? undefined : toPipeline(row);
  }

  /** Lists pipelines by name; `polled` keeps only those with a polling interval. */
  async list(options: { polled?: boolean } = {}): Promise<Pipeline[]> {
    const rows = await this.store.db
      .selectFrom('pipelines')
      .selectAll()
      .$if(options.polled === true, (query) => query.where('polling_interval_seconds', 'is not', null))
      .orderBy('name')
      .execute();
    return rows.map(toPipeline);
  }

  /** Changes the given fields; throws STORE009 for an unknown id and STORE010 for a taken name. */
  async update(id: number, changes: Partial<PipelineInput>): Promise<Pipeline> {
    const values: Partial<Omit<Selectable<PipelineTable>, 'id'>> = { updated_at: this.store.now() };
    if (changes.name !== undefined) values.name = changes.name;
    if (changes.repositoryUrl !== undefined) values.repository_url = changes.repositoryUrl;
    if (changes.yamlPath !== undefined) values.yaml_path = changes.yamlPath;
    if (changes.defaultBranch !== undefined) values.default_branch = changes.defaultBranch;
    if (changes.pollingIntervalSeconds !== undefined) values.polling_interval_seconds = checkedInterval(changes.pollingIntervalSeconds);
    if (changes.webhookSecret !== undefined) values.webhook_secret_sealed = this.sealSecret(changes.webhookSecret);

    try {
      const row = await this.store.db.updateTable('pipelines').set(values).where('id', '=', id).returningAll().executeTakeFirst();
      if (row === undefined) throw notFoundError('pipeline', id);
      return toPipeline(row);
    } catch (error) {
      if (isUniqueViolation(error)) throw duplicateName(changes.name ?? '', error);
      throw error;
    }
  }

  /** Decrypts the webhook secret for checking a signature; undefined when none is set. */
  async webhookSecret(id: number): Promise<string | undefined> {
    const row = await this.store.db.selectFrom('pipelines').select('webhook_secret_sealed').where('id', '=', id).executeTakeFirst();
    if (row === undefined) throw notFoundError('pipeline', id);
    if (row.webhook_secret_sealed === null) return undefined;
    return this.store.secrets.open(row.webhook_secret_sealed, WEBHOOK_SECRET_CONTEXT);
  }

  /** Deletes a pipeline with its runs and counters; returns false when it did not exist. */
  async delete(id: number): Promise<boolean> {
    const result = await this.store.db.deleteFrom('pipelines').where('id', '=', id).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  private sealSecret(secret: string | null | undefined): string | null {
    if (secret === undefined || secret === null || secret === '') return null;
    return this.store.secrets.seal(secret, WEBHOOK_SECRET_CONTEXT);
  }
}

function checkedInterval(seconds: number | null | undefined): number | null {
  if (seconds === undefined || seconds === null) return null;
  if (Number.isInteger(seconds) && seconds > 0) return seconds;
  throw new StoreError(
    StoreErrorCode.InvalidArgument,
    `the polling interval ${seconds} is not a positive whole number of seconds`,
    'give the interval in whole seconds, for example 60, or leave it out to rely on webhooks',
  );
}

function duplicateName(name: string, cause: unknown): StoreError {
  return new StoreError(StoreErrorCode.AlreadyExists, `a pipeline named '${name}' already exists`, 'choose another name, or update the existing pipeline', { cause });
}

function toPipeline(row: Selectable<PipelineTable>): Pipeline {
  const pipeline: Pipeline = {
    id: row.id,
    name: row.name,
    repositoryUrl: row.repository_url,
    yamlPath: row.yaml_path,
    defaultBranch: row.default_branch,
    hasWebhookSecret: row.webhook_secret_sealed !== null,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
  if (row.polling_interval_seconds !== null) pipeline.pollingIntervalSeconds = row.polling_interval_seconds;
  return pipeline;
}
