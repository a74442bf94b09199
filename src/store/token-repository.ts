import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { StoreDatabase } from './store-database.js';
import type { TokenTable } from './store-schema.js';

/** Token kind: administrator, a user's personal API token, agent registration, or a registered agent's own token. */
export type TokenKind = 'admin' | 'personal' | 'agentRegistration' | 'agent';

/** Random bytes in a token: 256 bits, so a plain SHA-256 of it cannot be reversed by guessing. */
export const TOKEN_RANDOM_BYTES = 32;

const KIND_PREFIX: Record<TokenKind, string> = {
  admin: 'sla',
  personal: 'slp',
  agentRegistration: 'slr',
  agent: 'slg',
};

/** A token as stored: never the token itself. */
export interface TokenRecord {
  id: number;
  kind: TokenKind;
  name: string;
  /** User name for personal tokens, agent id for agent tokens. */
  owner?: string;
  createdAt: string;
  expiresAt?: string;
  lastUsedAt?: string;
  revokedAt?: string;
}

/**
 * API tokens. Only the SHA-256 of a token is stored; the token is returned
 * once by `create`. A kind prefix (`sla_`, `slp_`, `slr_`, `slg_`) lets secret
 * scanners and people recognise a leaked token.
 */
export class TokenRepository {
  constructor(private readonly store: StoreDatabase) {}

  /** Creates a token and returns it with its record; the token cannot be read back later. */
  async create(input: { kind: TokenKind; name: string; owner?: string; expiresAt?: string }): Promise<{ token: string; record: TokenRecord }> {
    const token = `${KIND_PREFIX[input.kind]}_${randomBytes(TOKEN_RANDOM_BYTES).toString('base64url')}`;
    const row = await this.store.db
      .insertInto('tokens')
      .values({
        kind: input.kind,
        name: input.name,
        token_hash: hashToken(token),
        owner: input.owner ?? null,
        created_at: this.store.now(),
        expires_at: input.expiresAt ?? null,
        last_used_at: null,
        revoked_at: null,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    return { token, record: toRecord(row) };
  }

  /**
   * Returns the record of a valid token (known, not revoked, not expired, of
   * one of `kinds` when given) and records its use; undefined otherwise.
   */
  async verify(token: string, kinds?: readonly TokenKind[]): Promise<TokenRecord | undefined> {
    const now = this.store.now();
    const row = await this.store.db
      .selectFrom('tokens')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
      .$if(kinds !== undefined, (query) => query.where('kind', 'in', [...kinds!]))
      .executeTakeFirst();
    if (row === undefined) return undefined;

    await this.store.db.updateTable('tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
    return toRecord({ ...row, last_used_at: now });
  }

  /** Revokes a token; returns false when it did not exist or was already revoked. */
  async revoke(id: number): Promise<boolean> {
    const result = await this.store.db
      .updateTable('tokens')
      .set({ revoked_at: this.store.now() })
      .where('id', '=', id)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }

  /** Lists tokens by creation, optionally of one kind or owner. */
  async list(query: { kind?: TokenKind; owner?: string } = {}): Promise<TokenRecord[]> {
    const rows = await this.store.db
      .selectFrom('tokens')
      .selectAll()
      .$if(query.kind !== undefined, (q) => q.where('kind', '=', query.kind!))
      .$if(query.owner !== undefined, (q) => q.where('owner', '=', query.owner!))
      .orderBy('id')
      .execute();
    return rows.map(toRecord);
  }
}

/** Returns the SHA-256 of a token, hex: the form tokens are stored and looked up in. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

function toRecord(row: Selectable<TokenTable>): TokenRecord {
  const record: TokenRecord = { id: row.id, kind: row.kind as TokenKind, name: row.name, createdAt: row.created_at };
  if (row.owner !== null) record.owner = row.owner;
  if (row.expires_at !== null) record.expiresAt = row.expires_at;
  if (row.last_used_at !== null) record.lastUsedAt = row.last_used_at;
  if (row.revoked_at !== null) record.revokedAt = row.revoked_at;
  return record;
}
