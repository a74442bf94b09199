import { mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogLineInput } from '../../src/store/log-store.js';
import type { Store } from '../../src/store/open-store.js';
import { DIALECTS, useTestDatabases } from './store-test-targets.js';

const databases = useTestDatabases();

function line(text: string): LogLineInput {
  return { stream: 'stdout', line: text, time: '2026-03-01T12:00:00.000Z' };
}

async function seedRun(store: Store): Promise<number> {
  const pipeline = await store.pipelines.create({ name: 'logs', repositoryUrl: 'https://git.example/logs.git' });
  const run = await store.runs.create({ pipelineId: pipeline.id, trigger: { reason: 'Manual', branch: 'refs/heads/main', commit: 'abc' }, requestedBy: 'ada' });
  return run.id;
}

async function chunkRow(store: Store) {
  return store.db.selectFrom('log_chunks').select(['file_path', 'file_bytes']).orderBy('id', 'desc').executeTakeFirstOrThrow();
}

describe.each(DIALECTS)('log store appends on %s', (dialect) => {
  it('ignores a long tail left past the committed bytes', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);
    await store.logs.append(runId, 'Build.Test', [line('one')]);
    const chunk = await chunkRow(store);
    const path = join(database.dataDir, chunk.file_path);
    const tail = `${'{"t":"x","s":"stdout","l":"never committed"}\n'.repeat(20)}`;
    writeFileSync(path, readFileSync(path, 'utf8') + tail);

    await store.logs.append(runId, 'Build.Test', [line('two')]);
    await store.logs.append(runId, 'Build.Test', [line('three')]);

    expect((await store.logs.read(runId, 'Build.Test')).map((stored) => stored.text)).toEqual(['one', 'two', 'three']);
    const after = await chunkRow(store);
    expect(statSync(path).size).toBeGreaterThan(Number(after.file_bytes));
  });

  it('creates a removed log folder again', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);
    await store.logs.append(runId, 'Build.Test', [line('one')]);

    await store.db.deleteFrom('log_chunks').execute();
    rmSync(join(database.dataDir, 'logs'), { recursive: true, force: true });
    await store.logs.append(runId, 'Build.Test', [line('again')]);

    expect((await store.logs.read(runId, 'Build.Test')).map((stored) => stored.text)).toEqual(['again']);
  });

  it('orders concurrent appends of one store', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);

    await Promise.all(Array.from({ length: 30 }, (_, index) => store.logs.append(runId, 'Build.Test', [line(`a${index}`), line(`b${index}`)])));

    const stored = await store.logs.read(runId, 'Build.Test');
    expect(stored.map((entry) => entry.lineNumber)).toEqual(Array.from({ length: 60 }, (_, index) => index + 1));
    for (let index = 0; index < 60; index += 2) expect(stored[index + 1]!.text).toBe(`b${stored[index]!.text.slice(1)}`);
  });
});

describe.each(DIALECTS)('log chunk files on %s', (dialect) => {
  it('names chunks per record in the run folder', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);
    // `Build.Test` chunk 10 and `Build.Test.1` chunk 0 would clash if the chunk index were not the last dotted part.
    const many = Array.from({ length: 1001 }, (_, index) => line(`first ${index}`));
    await store.logs.append(runId, 'Build.Test', many);
    await store.logs.append(runId, 'Build.Test.1', [line('step one')]);
    await store.logs.append(runId, 'Build.Test', [line('again')], 2);

    const paths = (await store.db.selectFrom('log_chunks').select('file_path').orderBy('id').execute()).map((row) => row.file_path);
    expect(paths).toEqual([
      join('logs', String(runId), 'Build.Test.0.jsonl'),
      join('logs', String(runId), 'Build.Test.1.jsonl'),
      join('logs', String(runId), 'Build.Test.1.0.jsonl'),
      join('logs', String(runId), 'Build.Test%402.0.jsonl'),
    ]);
    const stored = await store.logs.read(runId, 'Build.Test');
    expect(stored).toHaveLength(1001);
    expect(stored[1000]?.text).toBe('first 1000');
    expect((await store.logs.read(runId, 'Build.Test.1')).map((entry) => entry.text)).toEqual(['step one']);
    expect((await store.logs.read(runId, 'Build.Test', {}, 2)).map((entry) => entry.text)).toEqual(['again']);
  });

  it('reads chunks of the older layout', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);
    await store.logs.append(runId, 'Build.Test', [line('one')]);
    const chunk = await chunkRow(store);
    // Move the file to where earlier versions put it (logs/<run>/<record>/<index>.jsonl) and point the row there.
    const oldPath = join('logs', String(runId), 'Build.Test', '0.jsonl');
    mkdirSync(join(database.dataDir, 'logs', String(runId), 'Build.Test'), { recursive: true });
    renameSync(join(database.dataDir, chunk.file_path), join(database.dataDir, oldPath));
    await store.db.updateTable('log_chunks').set({ file_path: oldPath }).execute();

    await store.logs.append(runId, 'Build.Test', [line('two')]);
    expect((await store.logs.read(runId, 'Build.Test')).map((entry) => entry.text)).toEqual(['one', 'two']);
    expect(readFileSync(join(database.dataDir, oldPath), 'utf8')).toContain('two');
  });
});
