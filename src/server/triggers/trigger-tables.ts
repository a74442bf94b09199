import type { Kysely } from 'kysely';
import type { Store } from '../../store/open-store.js';
import type { StoreSchema } from '../../store/store-schema.js';

/** Last seen commit of one ref of a polled repository. */
export interface TriggerRefTable {
  pipeline_id: number;
  /** Full ref: `refs/heads/main`, `refs/tags/v1`. */
  ref: string;
  commit_sha: string;
  updated_at: string;
}

/** A webhook delivery id already processed. */
export interface WebhookDeliveryTable {
  delivery_id: string;
  received_at: string;
}

/** Where and how a pipeline reports commit statuses. */
export interface ForgeSettingsTable {
  pipeline_id: number;
  forge: string;
  /** API root: `https://api.github.com`, `https://gitlab.example/api/v4`, `https://gitea.example/api/v1`. */
  api_url: string;
  /** `owner/name` (GitHub, Gitea) or the project id or path (GitLab); null to derive it from the repository URL. */
  repository: string | null;
  /** SecretBox envelope of the API token. */
  token_sealed: string | null;
  status_per_stage: number;
  allow_secrets_for_forks: number;
  updated_at: string;
}

/** The tables added by the `add trigger tables` migration. */
export type TriggerTables = {
  trigger_refs: TriggerRefTable;
  webhook_deliveries: WebhookDeliveryTable;
  forge_settings: ForgeSettingsTable;
};

/** Returns the store's query builder typed with the trigger tables as well. */
export function triggerDb(store: Store): Kysely<StoreSchema & TriggerTables> {
  return store.db.withTables<TriggerTables>() as unknown as Kysely<StoreSchema & TriggerTables>;
}
