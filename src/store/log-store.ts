import { EventEmitter } from 'node:events';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Kysely, Selectable } from 'kysely';
import type { LogEvent } from '../events/run-event.js';
import { isUniqueViolation } from './database-errors.js';
import { StoreError } from './store-error.js';
import { StoreErrorCode } from './store-error-codes.js';
import type { StoreDatabase } from './store-database.js';
import type { LogChunkTable, StoreSchema } from './store-schema.js';

/** Lines per chunk file: a line range is read from at most a few files of bounded size. */
export const LOG_CHUNK_MAX_LINES = 1000;

/** Lines returned by one `read` when the caller gives no limit. */
export const LOG_READ_DEFAULT_LIMIT = 5000;

/** How often `follow` looks for new lines written by another server process, in milliseconds. */
export const LOG_FOLLOW_POLL_MS = 500;

/** Attempts of one append when another process creates the same chunk at the same moment. */
const APPEND_ATTEMPTS = 3;

/** One line to append: a `log` event's fields without the ids. */
export type LogLineInput = Pick<LogEvent, 'stream' | 'line' | 'format' | 'time'>;

/** A stored line with its 1-based number within the record's log. */
export interface StoredLogLine {
  lineNumber: number;
  stream: LogEvent['stream'];
  format?: LogEvent['format'];
  text: string;
  time: string;
}

/** Size of a record's log: lines, and bytes of the text as a download would have it (UTF-8, one newline per line). */
export interface LogSize {
  lineCount: number;
  byteSize: number;
}

/** Options of `follow`. */
export interface FollowOptions {
  /** First line to yield, 1-based; lines before it are skipped. */
  fromLine?: number;
  /** Stops the iteration; the iterator then returns without an error. */
  signal?: AbortSignal;
  /** Called when no new line is left; returning true ends the iteration (the record has completed). */
  isDone?: () => Promise<boolean>;
  pollMs?: number;
}

interface EncodedLine {
  t: string;
  s: LogEvent['stream'];
  f?: LogEvent['format'];
  l: string;
}

/**
 * Logs of timeline records as chunk files under `<root>/logs/<run>/<record>/`,
 * indexed in the `log_chunks` table by line range. A chunk file contains one JSON
 * object per line. Its row records how many bytes of the file are committed, so
 * the next append cuts off bytes written by a transaction that then failed.
 */
export class LogStore {
  private readonly appended = new EventEmitter();

  constructor(
    private readonly store: StoreDatabase,
    readonly root: string,
  ) {
    this.appended.setMaxListeners(0);
  }

  /** Appends lines to a record's log and returns the number of the first one. */
  async append(runId: number, recordId: string, lines: readonly LogLineInput[]): Promise<{ firstLine: number; lineCount: number }> {
    if (lines.length === 0) return { firstLine: (await this.size(runId, recordId)).lineCount + 1, lineCount: 0 };

    let result: { firstLine: number; lineCount: number } | undefined;
    for (let attempt = 1; result === undefined; attempt += 1) {
      try {
        result = await this.store.write((trx) => this.appendInTransaction(trx, runId, recordId, lines));
      } catch (error) {
        if (!isUniqueViolation(error) || attempt >= APPEND_ATTEMPTS) throw error;
        this.store.logger.debug({ runId, recordId, attempt }, 'log chunk created concurrently, appending again');
      }
    }
    this.appended.emit(followKey(runId, recordId));
    return result;
  }

  /** Reads lines `from` to `to` (1-based, inclusive); without `to`, up to `limit` lines. */
  async read(runId: number, recordId: string, range: { from?: number; to?: number; limit?: number } = {}): Promise<StoredLogLine[]> {
    const from = range.from ?? 1;
    const limit = range.limit ?? LOG_READ_DEFAULT_LIMIT;
    const to = Math.min(range.to ?? Number.MAX_SAFE_INTEGER, from + limit - 1);
    if (!Number.isInteger(from) || from < 1 || to < from || limit < 1) {
      throw new StoreError(
        StoreErrorCode.InvalidLineRange,
        `the log line range ${from}-${range.to ?? ''} (limit ${limit}) is empty or starts before line 1`,
        'lines are numbered from 1; give from <= to and a positive limit',
      );
    }

    const chunks = await this.store.db
      .selectFrom('log_chunks')
      .selectAll()
      .where('run_id', '=', runId)
      .where('record_id', '=', recordId)
      .where((eb) => eb(eb('first_line', '+', eb.ref('line_count')), '>', from))
      .where('first_line', '<=', to)
      .orderBy('chunk_index')
      .execute();

    const lines: StoredLogLine[] = [];
    for (const chunk of chunks) {
      const decoded = await this.readChunk(chunk);
      for (const line of decoded) if (line.lineNumber >= from && line.lineNumber <= to) lines.push(line);
    }
    return lines;
  }

  /** Returns the line count and text size of a record's log (zero when it has none). */
  async size(runId: number, recordId: string): Promise<LogSize> {
    const row = await this.store.db
      .selectFrom('log_chunks')
      .select((eb) => [eb.fn.sum<number>('line_count').as('lines'), eb.fn.sum<number>('text_bytes').as('bytes')])
      .where('run_id', '=', runId)
      .where('record_id', '=', recordId)
      .executeTakeFirst();
    return { lineCount: Number(row?.lines ?? 0), byteSize: Number(row?.bytes ?? 0) };
  }

  /**
   * Yields the record's lines from `fromLine` on, then waits for new ones: an
   * append in this process wakes it at once, and it polls every `pollMs` for
   * appends by other processes. It ends when `signal` aborts, or when
   * `isDone` returns true and every line has been yielded.
   */
  async *follow(runId: number, recordId: string, options: FollowOptions = {}): AsyncGenerator<StoredLogLine> {
    let next = options.fromLine ?? 1;
    const pollMs = options.pollMs ?? LOG_FOLLOW_POLL_MS;
    let finishing = false;

    while (options.signal?.aborted !== true) {
      const lines = await this.read(runId, recordId, { from: next });
      for (const line of lines) {
        yield line;
        next = line.lineNumber + 1;
      }
      if (lines.length > 0) continue;
      if (finishing) return;

      // Read once more after isDone turns true: lines appended just before completion are still yielded.
      if (options.isDone !== undefined && (await options.isDone())) {
        finishing = true;
        continue;
      }
      await this.waitForAppend(runId, recordId, pollMs, options.signal);
    }
  }

  private async appendInTransaction(trx: Kysely<StoreSchema>, runId: number, recordId: string, lines: readonly LogLineInput[]) {
    let chunk = await trx
      .selectFrom('log_chunks')
      .selectAll()
      .where('run_id', '=', runId)
      .where('record_id', '=', recordId)
      .orderBy('chunk_index', 'desc')
      .limit(1)
      .$if(this.store.dialect === 'postgres', (query) => query.forUpdate())
      .executeTakeFirst();
    const firstLine = chunk === undefined ? 1 : chunk.first_line + chunk.line_count;

    let offset = 0;
    while (offset < lines.length) {
      if (chunk === undefined || chunk.line_count >= LOG_CHUNK_MAX_LINES) chunk = await this.createChunk(trx, runId, recordId, chunk);
      const batch = lines.slice(offset, offset + LOG_CHUNK_MAX_LINES - chunk.line_count);
      const encoded = batch.map((line) => `${JSON.stringify(encodeLine(line))}\n`).join('');
      const fileBytes = Buffer.byteLength(encoded);
      const textBytes = batch.reduce((total, line) => total + Buffer.byteLength(line.line) + 1, 0);

      await this.writeAt(join(this.root, chunk.file_path), Number(chunk.file_bytes), encoded);
      const updated = {
        line_count: chunk.line_count + batch.length,
        text_bytes: Number(chunk.text_bytes) + textBytes,
        file_bytes: Number(chunk.file_bytes) + fileBytes,
        updated_at: this.store.now(),
      };
      await trx.updateTable('log_chunks').set(updated).where('id', '=', chunk.id).execute();
      chunk = { ...chunk, ...updated };
      offset += batch.length;
    }
    return { firstLine, lineCount: lines.length };
  }

  private async createChunk(
    trx: Kysely<StoreSchema>,
    runId: number,
    recordId: string,
    previous: Selectable<LogChunkTable> | undefined,
  ): Promise<Selectable<LogChunkTable>> {
    const chunkIndex = previous === undefined ? 0 : previous.chunk_index + 1;
    const filePath = join('logs', String(runId), safeSegment(recordId), `${chunkIndex}.jsonl`);
    return trx
      .insertInto('log_chunks')
      .values({
        run_id: runId,
        record_id: recordId,
        chunk_index: chunkIndex,
        first_line: previous === undefined ? 1 : previous.first_line + previous.line_count,
        line_count: 0,
        text_bytes: 0,
        file_bytes: 0,
        file_path: filePath,
        updated_at: this.store.now(),
      })
      .returningAll()
      .executeTakeFirstOrThrow();
  }

  /** Writes `text` at byte `offset`, dropping whatever an earlier failed append left after it. */
  private async writeAt(path: string, offset: number, text: string): Promise<void> {
    await mkdir(dirname(path), { recursive: true });
    const file = await open(path, 'a+');
    try {
      await file.truncate(offset);
      await file.write(text, offset, 'utf8');
    } finally {
      await file.close();
    }
  }

  private async readChunk(chunk: Selectable<LogChunkTable>): Promise<StoredLogLine[]> {
    const bytes = await readFile(join(this.root, chunk.file_path));
    const text = bytes.subarray(0, Number(chunk.file_bytes)).toString('utf8');
    const rows = text.split('\n').slice(0, chunk.line_count);
    return rows.map((row, index) => decodeLine(JSON.parse(row) as EncodedLine, chunk.first_line + index));
  }

  private async waitForAppend(runId: number, recordId: string, pollMs: number, signal: AbortSignal | undefined): Promise<void> {
    const key = followKey(runId, recordId);
    let wake!: () => void;
    const woken = new Promise<void>((resolve) => {
      wake = resolve;
    });
    const timer = setTimeout(wake, pollMs);
    this.appended.once(key, wake);
    signal?.addEventListener('abort', wake, { once: true });
    try {
      await woken;
    } finally {
      clearTimeout(timer);
      this.appended.off(key, wake);
      signal?.removeEventListener('abort', wake);
    }
  }
}

function followKey(runId: number, recordId: string): string {
  return `${runId}\u0000${recordId}`;
}

/** Turns a record id into one safe path segment: `Build.Job.3` stays readable, `..` or `a/b` cannot escape. */
function safeSegment(recordId: string): string {
  const encoded = encodeURIComponent(recordId);
  return encoded.startsWith('.') ? `%2E${encoded.slice(1)}` : encoded;
}

function encodeLine(line: LogLineInput): EncodedLine {
  const encoded: EncodedLine = { t: line.time, s: line.stream, l: line.line };
  if (line.format !== undefined) encoded.f = line.format;
  return encoded;
}

function decodeLine(encoded: EncodedLine, lineNumber: number): StoredLogLine {
  const line: StoredLogLine = { lineNumber, stream: encoded.s, text: encoded.l, time: encoded.t };
  if (encoded.f !== undefined) line.format = encoded.f;
  return line;
}
