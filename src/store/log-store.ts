import { EventEmitter } from 'node:events';
import { closeSync, constants as fsConstants, mkdirSync, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
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

/** Chunk folders remembered as existing; past this count the set is cleared, so it cannot grow without bound. */
const KNOWN_FOLDERS_MAX = 10_000;

/**
 * Flags of a chunk file write: create it when missing, and neither truncate it
 * nor open it in append mode, because on Linux a positional write to an
 * O_APPEND file goes to the end whatever position is given.
 */
const CHUNK_WRITE_FLAGS = fsConstants.O_WRONLY | fsConstants.O_CREAT;

/**
 * Tails of the appends running per record log, keyed by log root, run and
 * record. The map is process-wide, so two LogStore objects over one folder
 * (two stores opened on one SQLite file) still write a chunk file one at a time.
 */
const recordAppendTails = new Map<string, Promise<void>>();

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
  /** Run attempt whose log to follow; default 1. */
  attempt?: number;
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
 * object per line. Its row records how many bytes of the file are committed:
 * readers ignore bytes past that count, and the next append overwrites them,
 * so an append that failed after writing its bytes leaves no visible line.
 * The bytes of an append reach the file before the row that counts them is
 * committed, so the index never points past what is on disk.
 *
 * On SQLite the file is written before the index is, outside any database
 * transaction, so other queries do not wait for file I/O on the only
 * connection. Appends to one record are ordered by a lock in this process
 * (SQLite serves one server process), and the index update checks that the
 * chunk row is still the one the bytes were placed after.
 * On PostgreSQL the file is written inside the transaction that holds the
 * chunk row's lock (FOR UPDATE), which orders appends across server processes.
 *
 * Each run attempt of a record has its own log: a re-run of failed jobs
 * (attempt 2 and later) starts new logs for the records it runs again, and
 * attempt 1's stay readable. Attempt 1 is stored under the record id itself,
 * so logs written before attempts were kept apart read as attempt 1.
 */
export class LogStore {
  private readonly appended = new EventEmitter();
  /** Chunk folders this store created or found, so an append skips `mkdir` for them. */
  private readonly knownFolders = new Set<string>();

  constructor(
    private readonly store: StoreDatabase,
    readonly root: string,
  ) {
    this.appended.setMaxListeners(0);
  }

  /** Appends lines to the log of a record's run attempt (default 1) and returns the number of the first one. */
  async append(runId: number, recordId: string, lines: readonly LogLineInput[], runAttempt = 1): Promise<{ firstLine: number; lineCount: number }> {
    if (lines.length === 0) return { firstLine: (await this.size(runId, recordId, runAttempt)).lineCount + 1, lineCount: 0 };

    const key = logKey(recordId, runAttempt);
    const result = await this.withRecordLock(runId, key, async () => {
      for (let attempt = 1; ; attempt += 1) {
        try {
          if (this.store.dialect === 'postgres') return await this.store.write((trx) => this.appendInTransaction(trx, runId, key, lines));
          return await this.appendThenIndex(runId, key, lines);
        } catch (error) {
          if (!(isUniqueViolation(error) || error instanceof ChunkMovedError) || attempt >= APPEND_ATTEMPTS) throw error;
          this.store.logger.debug({ runId, recordId: key, attempt }, 'log chunk changed concurrently, appending again');
        }
      }
    });
    this.appended.emit(followKey(runId, key));
    return result;
  }

  /** Reads lines `from` to `to` (1-based, inclusive) of a record's run attempt (default 1); without `to`, up to `limit` lines. */
  async read(runId: number, recordId: string, range: { from?: number; to?: number; limit?: number } = {}, runAttempt = 1): Promise<StoredLogLine[]> {
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
      .where('record_id', '=', logKey(recordId, runAttempt))
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

  /** Returns the line count and text size of a record's log in one run attempt, default 1 (zero when it has none). */
  async size(runId: number, recordId: string, runAttempt = 1): Promise<LogSize> {
    const row = await this.store.db
      .selectFrom('log_chunks')
      .select((eb) => [eb.fn.sum<number>('line_count').as('lines'), eb.fn.sum<number>('text_bytes').as('bytes')])
      .where('run_id', '=', runId)
      .where('record_id', '=', logKey(recordId, runAttempt))
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
      const lines = await this.read(runId, recordId, { from: next }, options.attempt);
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
      await this.waitForAppend(runId, logKey(recordId, options.attempt ?? 1), pollMs, options.signal);
    }
  }

  /**
   * Appends on SQLite: reads the last chunk, writes the lines to chunk files,
   * then commits their rows, in one short transaction when there are several.
   * Throws ChunkMovedError when the last chunk changed meanwhile (another
   * process appended), and a unique violation when another process created
   * the same new chunk.
   */
  private async appendThenIndex(runId: number, recordId: string, lines: readonly LogLineInput[]): Promise<{ firstLine: number; lineCount: number }> {
    const last = await this.store.db
      .selectFrom('log_chunks')
      .selectAll()
      .where('run_id', '=', runId)
      .where('record_id', '=', recordId)
      .orderBy('chunk_index', 'desc')
      .limit(1)
      .executeTakeFirst();
    const firstLine = last === undefined ? 1 : last.first_line + last.line_count;

    // Plan every chunk the lines go to and write their bytes before any row counts them.
    const updates: Array<{ chunk: Selectable<LogChunkTable>; added: ChunkAddition }> = [];
    const inserts: Array<{ chunkIndex: number; firstLine: number; filePath: string; added: ChunkAddition }> = [];
    let offset = 0;
    let chunkIndex = last?.chunk_index ?? -1;
    let nextLine = firstLine;
    if (last !== undefined && last.line_count < LOG_CHUNK_MAX_LINES) {
      const added = encodeBatch(lines.slice(0, LOG_CHUNK_MAX_LINES - last.line_count));
      this.writeAt(last.file_path, Number(last.file_bytes), added.encoded);
      updates.push({ chunk: last, added });
      offset += added.lineCount;
      nextLine += added.lineCount;
    }
    while (offset < lines.length) {
      chunkIndex += 1;
      const added = encodeBatch(lines.slice(offset, offset + LOG_CHUNK_MAX_LINES));
      const filePath = chunkFilePath(runId, recordId, chunkIndex);
      this.writeAt(filePath, 0, added.encoded);
      inserts.push({ chunkIndex, firstLine: nextLine, filePath, added });
      offset += added.lineCount;
      nextLine += added.lineCount;
    }

    // One row to write needs no transaction: a single statement is atomic, and most appends write one.
    const index = async (trx: Kysely<StoreSchema>): Promise<void> => {
      const now = this.store.now();
      for (const { chunk, added } of updates) {
        const updated = await trx
          .updateTable('log_chunks')
          .set({
            line_count: chunk.line_count + added.lineCount,
            text_bytes: Number(chunk.text_bytes) + added.textBytes,
            file_bytes: Number(chunk.file_bytes) + added.fileBytes,
            updated_at: now,
          })
          .where('id', '=', chunk.id)
          .where('line_count', '=', chunk.line_count)
          .where('file_bytes', '=', chunk.file_bytes)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) throw new ChunkMovedError(chunk.file_path);
      }
      for (const insert of inserts) {
        await trx
          .insertInto('log_chunks')
          .values({
            run_id: runId,
            record_id: recordId,
            chunk_index: insert.chunkIndex,
            first_line: insert.firstLine,
            line_count: insert.added.lineCount,
            text_bytes: insert.added.textBytes,
            file_bytes: insert.added.fileBytes,
            file_path: insert.filePath,
            updated_at: now,
          })
          .execute();
      }
    };
    if (updates.length + inserts.length === 1) await index(this.store.db);
    else await this.store.write(index);
    return { firstLine, lineCount: lines.length };
  }

  /** Runs `work` after every earlier append to the same record log in this process has settled. */
  private async withRecordLock<T>(runId: number, recordId: string, work: () => Promise<T>): Promise<T> {
    const key = `${this.root}\u0000${followKey(runId, recordId)}`;
    const previous = recordAppendTails.get(key) ?? Promise.resolve();
    const running = previous.then(work);
    const tail = running.then(
      () => undefined,
      () => undefined,
    );
    recordAppendTails.set(key, tail);
    try {
      return await running;
    } finally {
      // The last append of a record removes its entry, so finished logs leave nothing behind.
      if (recordAppendTails.get(key) === tail) recordAppendTails.delete(key);
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
      const added = encodeBatch(lines.slice(offset, offset + LOG_CHUNK_MAX_LINES - chunk.line_count));

      this.writeAt(chunk.file_path, Number(chunk.file_bytes), added.encoded);
      const updated = {
        line_count: chunk.line_count + added.lineCount,
        text_bytes: Number(chunk.text_bytes) + added.textBytes,
        file_bytes: Number(chunk.file_bytes) + added.fileBytes,
        updated_at: this.store.now(),
      };
      await trx.updateTable('log_chunks').set(updated).where('id', '=', chunk.id).execute();
      chunk = { ...chunk, ...updated };
      offset += added.lineCount;
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
    const filePath = chunkFilePath(runId, recordId, chunkIndex);
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

  /**
   * Writes `text` at byte `offset` of a chunk file (a path relative to the
   * root), creating the file and its folder when missing. Bytes an earlier
   * failed append left past `offset` are overwritten or, past the new end,
   * left in place: readers stop at the committed byte count, so the file is
   * not truncated.
   *
   * The calls are synchronous on purpose, because an append is a few hundred
   * bytes for most events. Measured on ext4 with Node 20 (2,000 appends to new
   * folders), mkdir, open, write and close cost about 0.45 ms of CPU per append
   * through fs/promises, and about 0.05 ms synchronously.
   * NOTE: the event loop waits for the disk meanwhile, so a slow network file system under the data folder stalls the server.
   */
  private writeAt(relativePath: string, offset: number, text: string): void {
    const path = join(this.root, relativePath);
    const folder = dirname(path);
    if (!this.knownFolders.has(folder)) {
      mkdirSync(folder, { recursive: true });
      if (this.knownFolders.size >= KNOWN_FOLDERS_MAX) this.knownFolders.clear();
      this.knownFolders.add(folder);
    }

    let descriptor: number;
    try {
      descriptor = openSync(path, CHUNK_WRITE_FLAGS, 0o644);
    } catch (error) {
      // The folder was removed since it was remembered (a deleted run): create it again.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.knownFolders.delete(folder);
      mkdirSync(folder, { recursive: true });
      descriptor = openSync(path, CHUNK_WRITE_FLAGS, 0o644);
    }
    try {
      writeSync(descriptor, text, offset, 'utf8');
    } finally {
      closeSync(descriptor);
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

/**
 * Key of a record's log in `log_chunks.record_id` and the chunk folder: the
 * record id for attempt 1, `<record id>@<attempt>` for later attempts. Stage,
 * job and step names are identifiers without `@`, so keys do not collide.
 * NOTE: a matrix leg name with `@`, which the planner only warns about, could collide.
 */
function logKey(recordId: string, runAttempt: number): string {
  return runAttempt <= 1 ? recordId : `${recordId}@${runAttempt}`;
}

/** Bytes and counts of lines encoded for one chunk file. */
interface ChunkAddition {
  encoded: string;
  lineCount: number;
  fileBytes: number;
  /** Bytes of the text as a download has it: UTF-8, one newline per line. */
  textBytes: number;
}

/** Thrown inside an SQLite append when the chunk row changed after it was read; the append is tried again. */
class ChunkMovedError extends Error {
  constructor(filePath: string) {
    super(`the log chunk ${filePath} changed while lines were appended to it`);
  }
}

function encodeBatch(batch: readonly LogLineInput[]): ChunkAddition {
  const encoded = batch.map((line) => `${JSON.stringify(encodeLine(line))}\n`).join('');
  const textBytes = batch.reduce((total, line) => total + Buffer.byteLength(line.line) + 1, 0);
  return { encoded, lineCount: batch.length, fileBytes: Buffer.byteLength(encoded), textBytes };
}

/** Path of a chunk file relative to the log root. */
/**
 * Places the chunk files of all records of a run in one folder per run.
 * A folder per record cost a mkdir and a file creation in a new folder for
 * each job, the largest system call cost of job dispatch in a CPU profile
 * (bench/server-dispatch.js, ext4, Node 20). The
 * chunk index is the last dot-separated part before `.jsonl`, so names stay
 * unique though a record id may contain dots. Reads use the path stored in
 * the chunk's row, so chunks written under the older per-record folders stay readable.
 */
function chunkFilePath(runId: number, recordId: string, chunkIndex: number): string {
  return join('logs', String(runId), `${safeSegment(recordId)}.${chunkIndex}.jsonl`);
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
