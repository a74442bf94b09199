import type { Store } from '../../store/open-store.js';
import type { SecretBox } from '../../store/secret-box.js';
import type { Forge } from '../../triggers/webhook-event.js';
import { triggerDb } from './trigger-tables.js';

const TOKEN_CONTEXT = 'pipeline forge token';

/** The forges Sluice reports commit statuses to. */
export const FORGES: readonly Forge[] = ['github', 'gitlab', 'gitea'];

/** How a pipeline talks to its forge, as a user sets it. */
export interface ForgeSettingsInput {
  forge: Forge;
  /** API root, such as `https://api.github.com`, `https://gitlab.example/api/v4` or `https://gitea.example/api/v1`. */
  apiUrl: string;
  /** `owner/name` (GitHub, Gitea) or the project id or path (GitLab); derived from the repository URL when absent. */
  repository?: string;
  /** API token with the right to set commit statuses; null removes it. */
  token?: string | null;
  /** One status per stage as well as the one per pipeline; default false. */
  statusPerStage?: boolean;
  /** Give secrets to runs of pull requests from forks; default false, as in Azure Pipelines. */
  allowSecretsForForks?: boolean;
}

/** Stored forge settings. The token is never part of this value: use `token(pipelineId)`. */
export interface ForgeSettings {
  pipelineId: number;
  forge: Forge;
  apiUrl: string;
  repository?: string;
  hasToken: boolean;
  statusPerStage: boolean;
  allowSecretsForForks: boolean;
}

/** Per-pipeline forge settings in the `forge_settings` table; the token is sealed with the server key. */
export class ForgeSettingsRepository {
  constructor(
    private readonly store: Store,
    private readonly secrets: SecretBox,
  ) {}

  /** Returns the settings of a pipeline, or undefined when none are set. */
  async get(pipelineId: number): Promise<ForgeSettings | undefined> {
    const row = await triggerDb(this.store).selectFrom('forge_settings').selectAll().where('pipeline_id', '=', pipelineId).executeTakeFirst();
    if (row === undefined) return undefined;

    const settings: ForgeSettings = {
      pipelineId,
      forge: row.forge as Forge,
      apiUrl: row.api_url,
      hasToken: row.token_sealed !== null,
      statusPerStage: row.status_per_stage === 1,
      allowSecretsForForks: row.allow_secrets_for_forks === 1,
    };
    if (row.repository !== null) settings.repository = row.repository;
    return settings;
  }

  /** Decrypts the API token for one request; undefined when none is set. */
  async token(pipelineId: number): Promise<string | undefined> {
    const row = await triggerDb(this.store).selectFrom('forge_settings').select('token_sealed').where('pipeline_id', '=', pipelineId).executeTakeFirst();
    if (row?.token_sealed === null || row?.token_sealed === undefined) return undefined;
    return this.secrets.open(row.token_sealed, TOKEN_CONTEXT);
  }

  /** Creates or replaces the settings of a pipeline. A token left undefined keeps the stored one. */
  async set(pipelineId: number, input: ForgeSettingsInput): Promise<ForgeSettings> {
    const time = new Date().toISOString();
    const values = {
      forge: input.forge,
      api_url: input.apiUrl.replace(/\/+$/, ''),
      repository: input.repository ?? null,
      status_per_stage: input.statusPerStage === true ? 1 : 0,
      allow_secrets_for_forks: input.allowSecretsForForks === true ? 1 : 0,
      updated_at: time,
    };
    // undefined keeps the stored token, null or '' removes it, anything else replaces it.
    let sealed: string | null | undefined;
    if (input.token === undefined) sealed = undefined;
    else if (input.token === null || input.token === '') sealed = null;
    else sealed = this.secrets.seal(input.token, TOKEN_CONTEXT);

    await triggerDb(this.store)
      .insertInto('forge_settings')
      .values({ pipeline_id: pipelineId, ...values, token_sealed: sealed ?? null })
      .onConflict((conflict) => conflict.column('pipeline_id').doUpdateSet(sealed === undefined ? values : { ...values, token_sealed: sealed }))
      .execute();
    return (await this.get(pipelineId))!;
  }

  /** Removes the settings of a pipeline; returns false when there were none. */
  async delete(pipelineId: number): Promise<boolean> {
    const result = await triggerDb(this.store).deleteFrom('forge_settings').where('pipeline_id', '=', pipelineId).executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}

/**
 * Derives the forge's repository name from a clone URL:
 * `https://github.com/owner/name.git` → `owner/name`, and for GitLab the full
 * path with subgroups. Returns undefined for a URL without a path (a local folder).
 */
export function repositoryFromUrl(url: string): string | undefined {
  let path: string;
  try {
    path = new URL(url).pathname;
  } catch {
    // scp-like syntax: git@host:owner/name.git
    const match = /^[^@/]+@[^:]+:(.+)$/.exec(url);
    if (match === null) return undefined;
    path = match[1]!;
  }
  const trimmed = path.replace(/^\/+/, '').replace(/\.git$/, '').replace(/\/+$/, '');
  return trimmed.includes('/') ? trimmed : undefined;
}
