import { createHash, randomBytes } from 'node:crypto';
import type { Selectable } from 'kysely';
import type { StoreDatabase } from './store-database.js';
import type { TokenTable } from './store-schema.js';

/** Token kind: administrator, a user's personal API token, agent registration, or a registered agent's own token. */
export type TokenKind = 'admin' | 'personal' | 'agentRegistration' | 'agent';

/** Random bytes in a token: 256 bits, so a plain SHA-256 of it cannot be reversed by guessing. */
export const TOKEN_RANDOM_BYTES = 32;

/**
 * Seconds a verified agent token is taken from memory without a query. Agent
 * tokens authenticate every long-poll, event batch and completion, so this
 * saves a lookup per request. A revocation through this repository takes
 * effect at once in this process, and within this many seconds in other
 * server processes that share the database.
 */
export const AGENT_TOKEN_CACHE_SECONDS = 5;

/** Minimum seconds between two writes of one token's `last_used_at`, so `lastUsedAt` may be this much behind. */
export const TOKEN_LAST_USED_WRITE_SECONDS = 60;

/** Entries kept in each in-memory map before it is cleared, so it cannot grow without bound. */
const TOKEN_MEMORY_MAX = 10_000;

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
  /** Verified agent tokens by hash, with the clock time (ms) of the query that verified them. */
  private readonly verifiedAgents = new Map<string, { row: Selectable<TokenTable>; verifiedAtMs: number }>();
  /** Clock time (ms) of the last `last_used_at` write by token id. */
  private readonly lastUsedWrites = new Map<number, number>();

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
   * one of `kinds` when given) and records its use; undefined otherwise. Agent
   * tokens may come from memory for AGENT_TOKEN_CACHE_SECONDS, and
   * `last_used_at` is written at most every TOKEN_LAST_USED_WRITE_SECONDS.
   */
  async verify(token: string, kinds?: readonly TokenKind[]): Promise<TokenRecord | undefined> {
    const now = this.store.now();
    const nowMs = Date.parse(now);
    const hash = hashToken(token);

    let row = this.cachedAgentRow(hash, now, nowMs);
    if (row === undefined) {
      row = await this.store.db
        .selectFrom('tokens')
        .selectAll()
        .where('token_hash', '=', hash)
        .where('revoked_at', 'is', null)
        .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', now)]))
        .executeTakeFirst();
      if (row === undefined) return undefined;
      if (row.kind === 'agent') {
        if (this.verifiedAgents.size >= TOKEN_MEMORY_MAX) this.verifiedAgents.clear();
        this.verifiedAgents.set(hash, { row, verifiedAtMs: nowMs });
      }
    }
    if (kinds !== undefined && !kinds.includes(row.kind as TokenKind)) return undefined;

    const lastWriteMs = this.lastUsedWrites.get(row.id);
    if (lastWriteMs !== undefined && nowMs - lastWriteMs < TOKEN_LAST_USED_WRITE_SECONDS * 1000) return toRecord(row);

    await this.store.db.updateTable('tokens').set({ last_used_at: now }).where('id', '=', row.id).execute();
    if (this.lastUsedWrites.size >= TOKEN_MEMORY_MAX) this.lastUsedWrites.clear();
    this.lastUsedWrites.set(row.id, nowMs);
    row = { ...row, last_used_at: now };
    const cached = this.verifiedAgents.get(hash);
    if (cached !== undefined) cached.row = row;
    return toRecord(row);
  }

  /** Revokes a token; returns false when it did not exist or was already revoked. */
  async revoke(id: number): Promise<boolean> {
    for (const [hash, cached] of this.verifiedAgents) if (cached.row.id === id) this.verifiedAgents.delete(hash);
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

  /** Returns an agent token's row verified less than AGENT_TOKEN_CACHE_SECONDS ago and not expired since. */
  private cachedAgentRow(hash: string, now: string, nowMs: number): Selectable<TokenTable> | undefined {
    const cached = this.verifiedAgents.get(hash);
    if (cached === undefined) return undefined;
    const fresh = nowMs - cached.verifiedAtMs < AGENT_TOKEN_CACHE_SECONDS * 1000 && nowMs >= cached.verifiedAtMs;
    if (fresh && (cached.row.expires_at === null || cached.row.expires_at > now)) return cached.row;
    this.verifiedAgents.delete(hash);
    return undefined;
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
