import { describe, expect, it } from 'vitest';
import { AGENT_TOKEN_CACHE_SECONDS, TOKEN_LAST_USED_WRITE_SECONDS } from '../../src/store/token-repository.js';
import { ManualClock, useTestDatabases } from './store-test-targets.js';

const databases = useTestDatabases();

async function openWithClock() {
  const clock = new ManualClock();
  const database = await databases.create('sqlite');
  const store = await database.open({ now: clock.now });
  return { clock, store };
}

/** Revokes a token with a plain UPDATE, as another server process sharing the database would. */
async function revokeElsewhere(store: Awaited<ReturnType<typeof openWithClock>>['store'], id: number): Promise<void> {
  await store.db.updateTable('tokens').set({ revoked_at: '2026-03-01T12:00:00.000Z' }).where('id', '=', id).execute();
}

async function storedLastUsed(store: Awaited<ReturnType<typeof openWithClock>>['store'], id: number): Promise<string | null> {
  const row = await store.db.selectFrom('tokens').select('last_used_at').where('id', '=', id).executeTakeFirstOrThrow();
  return row.last_used_at;
}

describe('token verification cache', () => {
  it('rejects a revoked agent token within the cache time', async () => {
    const { clock, store } = await openWithClock();
    const agent = await store.tokens.create({ kind: 'agent', name: 'agent a', owner: '1' });
    expect((await store.tokens.verify(agent.token, ['agent']))?.id).toBe(agent.record.id);

    await revokeElsewhere(store, agent.record.id);
    // Served from memory until the cache time has passed.
    expect((await store.tokens.verify(agent.token, ['agent']))?.id).toBe(agent.record.id);
    clock.advance(AGENT_TOKEN_CACHE_SECONDS);
    expect(await store.tokens.verify(agent.token, ['agent'])).toBeUndefined();
  });

  it('rejects an agent token revoked here at once', async () => {
    const { store } = await openWithClock();
    const agent = await store.tokens.create({ kind: 'agent', name: 'agent a', owner: '1' });
    expect(await store.tokens.verify(agent.token)).toBeDefined();

    expect(await store.tokens.revoke(agent.record.id)).toBe(true);
    expect(await store.tokens.verify(agent.token)).toBeUndefined();
  });

  it('checks kinds and expiry on a cached agent token', async () => {
    const { clock, store } = await openWithClock();
    const agent = await store.tokens.create({ kind: 'agent', name: 'agent a', owner: '1', expiresAt: '2026-03-01T12:00:02.000Z' });
    expect(await store.tokens.verify(agent.token, ['agent'])).toBeDefined();

    expect(await store.tokens.verify(agent.token, ['admin', 'personal'])).toBeUndefined();
    clock.advance(2);
    expect(await store.tokens.verify(agent.token, ['agent'])).toBeUndefined();
  });

  it('does not cache personal tokens', async () => {
    const { store } = await openWithClock();
    const personal = await store.tokens.create({ kind: 'personal', name: 'laptop', owner: 'ada' });
    expect(await store.tokens.verify(personal.token)).toBeDefined();

    await revokeElsewhere(store, personal.record.id);
    expect(await store.tokens.verify(personal.token)).toBeUndefined();
  });

  it('writes last_used_at at most once per interval', async () => {
    const { clock, store } = await openWithClock();
    const agent = await store.tokens.create({ kind: 'agent', name: 'agent a', owner: '1' });
    const first = clock.now().toISOString();
    expect((await store.tokens.verify(agent.token))?.lastUsedAt).toBe(first);

    clock.advance(TOKEN_LAST_USED_WRITE_SECONDS - 1);
    // Past the agent cache time, so this verification queries the row again.
    expect((await store.tokens.verify(agent.token))?.lastUsedAt).toBe(first);
    expect(await storedLastUsed(store, agent.record.id)).toBe(first);

    clock.advance(1);
    const later = clock.now().toISOString();
    expect((await store.tokens.verify(agent.token))?.lastUsedAt).toBe(later);
    expect(await storedLastUsed(store, agent.record.id)).toBe(later);
  });
});
