import { appendFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LOG_CHUNK_MAX_LINES, type LogLineInput, type StoredLogLine } from '../../src/store/log-store.js';
import type { Store } from '../../src/store/open-store.js';
import { StoreError } from '../../src/store/store-error.js';
import { StoreErrorCode } from '../../src/store/store-error-codes.js';
import { DIALECTS, useTestDatabases } from './store-test-targets.js';

const databases = useTestDatabases();

function lines(count: number, start = 1): LogLineInput[] {
  return Array.from({ length: count }, (_, index) => ({ stream: 'stdout' as const, line: `line ${start + index}`, time: '2026-03-01T12:00:00.000Z' }));
}

async function seedRun(store: Store): Promise<number> {
  const pipeline = await store.pipelines.create({ name: 'logs', repositoryUrl: 'https://git.example/logs.git' });
  const run = await store.runs.create({ pipelineId: pipeline.id, trigger: { reason: 'Manual', branch: 'refs/heads/main', commit: 'abc' }, requestedBy: 'ada' });
  return run.id;
}

describe.each(DIALECTS)('log store on %s', (dialect) => {
  it('appends across chunk files and reads line ranges', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);

    expect(await store.logs.append(runId, 'Build.Test.1', lines(700))).toEqual({ firstLine: 1, lineCount: 700 });
    expect(await store.logs.append(runId, 'Build.Test.1', lines(900, 701))).toEqual({ firstLine: 701, lineCount: 900 });
    await store.logs.append(runId, 'Build.Test.2', lines(3));

    const chunks = await store.db.selectFrom('log_chunks').select(['chunk_index', 'first_line', 'line_count']).where('record_id', '=', 'Build.Test.1').orderBy('chunk_index').execute();
    expect(chunks).toEqual([
      { chunk_index: 0, first_line: 1, line_count: LOG_CHUNK_MAX_LINES },
      { chunk_index: 1, first_line: LOG_CHUNK_MAX_LINES + 1, line_count: 1600 - LOG_CHUNK_MAX_LINES },
    ]);

    const middle = await store.logs.read(runId, 'Build.Test.1', { from: 995, to: 1004 });
    expect(middle.map((line) => [line.lineNumber, line.text])).toEqual(Array.from({ length: 10 }, (_, index) => [995 + index, `line ${995 + index}`]));
    expect((await store.logs.read(runId, 'Build.Test.1', { from: 1600 })).map((line) => line.text)).toEqual(['line 1600']);
    expect(await store.logs.read(runId, 'Build.Test.1', { from: 1601 })).toEqual([]);
    expect(await store.logs.read(runId, 'Build.Test.1', { from: 10, limit: 3 })).toHaveLength(3);
    expect((await store.logs.read(runId, 'Build.Test.2')).map((line) => line.text)).toEqual(['line 1', 'line 2', 'line 3']);
  });

  it('reports line count and byte size', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);

    expect(await store.logs.size(runId, 'Build.Test.1')).toEqual({ lineCount: 0, byteSize: 0 });
    await store.logs.append(runId, 'Build.Test.1', [
      { stream: 'stdout', line: 'héllo', time: '2026-03-01T12:00:00.000Z' },
      { stream: 'stderr', line: '', time: '2026-03-01T12:00:01.000Z' },
      { stream: 'system', line: 'Tests', format: 'section', time: '2026-03-01T12:00:02.000Z' },
    ]);

    expect(await store.logs.size(runId, 'Build.Test.1')).toEqual({ lineCount: 3, byteSize: 7 + 1 + 6 });
    expect(await store.logs.read(runId, 'Build.Test.1')).toEqual([
      { lineNumber: 1, stream: 'stdout', text: 'héllo', time: '2026-03-01T12:00:00.000Z' },
      { lineNumber: 2, stream: 'stderr', text: '', time: '2026-03-01T12:00:01.000Z' },
      { lineNumber: 3, stream: 'system', format: 'section', text: 'Tests', time: '2026-03-01T12:00:02.000Z' },
    ]);
  });

  it('drops bytes an interrupted append left behind', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);
    await store.logs.append(runId, 'Build.Test.1', lines(2));
    const chunk = await store.db.selectFrom('log_chunks').select('file_path').executeTakeFirstOrThrow();
    appendFileSync(join(database.dataDir, chunk.file_path), '{"t":"x","s":"stdout","l":"never committed"}\n');

    expect((await store.logs.read(runId, 'Build.Test.1')).map((line) => line.text)).toEqual(['line 1', 'line 2']);
    await store.logs.append(runId, 'Build.Test.1', lines(1, 3));
    expect((await store.logs.read(runId, 'Build.Test.1')).map((line) => line.text)).toEqual(['line 1', 'line 2', 'line 3']);
  });

  it('keeps record ids inside the log folder', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);

    await store.logs.append(runId, '../../escape', lines(1));
    await store.logs.append(runId, 'a/b', lines(1));

    const runFolder = join(database.dataDir, 'logs', String(runId));
    // Chunk files sit directly in the run's folder, named after the encoded record id and the chunk index.
    expect(readdirSync(runFolder).sort()).toEqual(['%2E.%2F..%2Fescape.0.jsonl', 'a%2Fb.0.jsonl']);
    expect(existsSync(join(database.dataDir, 'escape'))).toBe(false);
    expect((await store.logs.read(runId, '../../escape')).map((line) => line.text)).toEqual(['line 1']);
  });

  it('rejects an empty line range', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);

    for (const range of [{ from: 0 }, { from: 5, to: 4 }, { from: 1, limit: 0 }]) {
      const error = await store.logs.read(runId, 'Build.Test.1', range).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(StoreError);
      expect((error as StoreError).code).toBe(StoreErrorCode.InvalidLineRange);
    }
  });

  it('follows a log until the record is done', async () => {
    const database = await databases.create(dialect);
    const store = await database.open();
    const runId = await seedRun(store);
    await store.logs.append(runId, 'Build.Test.1', lines(2));
    let done = false;

    const received: StoredLogLine[] = [];
    const following = (async () => {
      for await (const line of store.logs.follow(runId, 'Build.Test.1', { fromLine: 2, isDone: async () => done, pollMs: 20 })) {
        received.push(line);
        if (line.lineNumber === 2) {
          await store.logs.append(runId, 'Build.Test.1', lines(2, 3));
        }
        if (line.lineNumber === 4) {
          await store.logs.append(runId, 'Build.Test.1', lines(1, 5));
          done = true;
        }
      }
    })();
    await following;

    expect(received.map((line) => line.text)).toEqual(['line 2', 'line 3', 'line 4', 'line 5']);
  });

  it('follows appends made by another store', async () => {
    const database = await databases.create(dialect);
    const reader = await database.open();
    const writer = await database.open();
    const runId = await seedRun(writer);
    const controller = new AbortController();

    const received: string[] = [];
    const following = (async () => {
      for await (const line of reader.logs.follow(runId, 'Build.Test.1', { signal: controller.signal, pollMs: 10 })) {
        received.push(line.text);
        if (received.length === 3) controller.abort();
      }
    })();
    await writer.logs.append(runId, 'Build.Test.1', lines(1));
    await writer.logs.append(runId, 'Build.Test.1', lines(2, 2));
    await following;

    expect(received).toEqual(['line 1', 'line 2', 'line 3']);
  });

  it('serialises concurrent appends from two stores', async () => {
    const database = await databases.create(dialect);
    const stores = [await database.open(), await database.open()];
    const runId = await seedRun(stores[0]!);

    await Promise.all(
      Array.from({ length: 40 }, (_, index) =>
        stores[index % 2]!.logs.append(runId, 'Build.Test.1', [{ stream: 'stdout', line: `batch ${index}`, time: '2026-03-01T12:00:00.000Z' }, { stream: 'stdout', line: `batch ${index} end`, time: '2026-03-01T12:00:00.000Z' }]),
      ),
    );

    const stored = await stores[1]!.logs.read(runId, 'Build.Test.1');
    expect(stored.map((line) => line.lineNumber)).toEqual(Array.from({ length: 80 }, (_, index) => index + 1));
    for (let index = 0; index < 80; index += 2) {
      expect(stored[index + 1]!.text).toBe(`${stored[index]!.text} end`);
    }
  });
});
