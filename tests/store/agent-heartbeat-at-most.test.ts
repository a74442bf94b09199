import { describe, expect, it } from 'vitest';
import { StoreError } from '../../src/store/store-error.js';
import { StoreErrorCode } from '../../src/store/store-error-codes.js';
import { DIALECTS, ManualClock, useTestDatabases } from './store-test-targets.js';

const databases = useTestDatabases();

describe.each(DIALECTS)('agent heartbeats written at most once per interval on %s', (dialect) => {
  async function openWithAgent() {
    const clock = new ManualClock();
    const database = await databases.create(dialect);
    const store = await database.open({ now: clock.now });
    const agent = await store.agents.register({ name: 'linux-1', pool: 'default', capabilities: {} });
    return { clock, database, store, agent };
  }

  it('reads within the interval', async () => {
    const { clock, store, agent } = await openWithAgent();
    const first = await store.agents.heartbeatAtMost(agent.id, 1);
    expect(first.lastHeartbeatAt).toBe('2026-03-01T12:00:00.000Z');

    clock.advance(0.5);
    const within = await store.agents.heartbeatAtMost(agent.id, 1);
    expect(within).toMatchObject({ id: agent.id, status: 'online', lastHeartbeatAt: '2026-03-01T12:00:00.000Z' });

    clock.advance(0.6);
    const after = await store.agents.heartbeatAtMost(agent.id, 1);
    expect(after.lastHeartbeatAt).toBe('2026-03-01T12:00:01.100Z');
  });

  it('writes for offline or disabled agents', async () => {
    const { clock, store, agent } = await openWithAgent();
    await store.agents.heartbeatAtMost(agent.id, 60);

    // Enabling an agent again leaves it offline until its next heartbeat, which must bring it online.
    await store.agents.setDisabled(agent.id, false);
    clock.advance(1);
    const back = await store.agents.heartbeatAtMost(agent.id, 60);
    expect(back).toMatchObject({ status: 'online', lastHeartbeatAt: '2026-03-01T12:00:01.000Z' });

    await store.agents.setDisabled(agent.id, true);
    clock.advance(1);
    const disabled = await store.agents.heartbeatAtMost(agent.id, 60);
    expect(disabled).toMatchObject({ status: 'disabled', lastHeartbeatAt: '2026-03-01T12:00:02.000Z' });
  });

  it('throws STORE009 for a removed agent', async () => {
    const { clock, database, store, agent } = await openWithAgent();
    await store.agents.heartbeatAtMost(agent.id, 60);
    // A second store on the same database removes the agent, so the first one's memory of its write is stale.
    const other = await database.open({ now: clock.now });
    expect(await other.agents.remove(agent.id)).toBe(true);
    const error = await store.agents.heartbeatAtMost(agent.id, 60).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StoreError);
    expect((error as StoreError).code).toBe(StoreErrorCode.NotFound);
  });
});
