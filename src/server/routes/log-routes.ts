import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError } from '../api-error.js';
import type { RouteModule } from '../route-module.js';
import type { ServerContext } from '../server-context.js';
import { openEventStream } from '../server-sent-events.js';
import { optionalPositive, positiveId } from './route-params.js';

type LogParams = { id: string; recordId: string };
type LogQuery = { from?: string; to?: string; limit?: string; format?: string; attempt?: string };

/**
 * Logs of timeline records: the index of a run's logs, one record's lines as
 * JSON or plain text (whole or by line range), and live lines as Server-Sent Events.
 * Each takes `?attempt=N` for the logs of one run attempt, where a re-run of
 * failed jobs is attempt 2 and later. Without it, each reads the record's latest attempt.
 */
export const logRoutes: RouteModule = {
  name: 'logs',
  register(app, context) {
    app.get<{ Params: { id: string }; Querystring: LogQuery }>('/api/runs/:id/logs', async (request) => {
      const runId = await existingRun(context, request.params.id);
      const attempt = optionalPositive(request.query.attempt, 'attempt');
      const logs = [];
      for (const record of await context.store.timeline.list(runId, attempt === undefined ? {} : { attempt })) {
        const size = await context.store.logs.size(runId, record.id, record.attempt);
        if (size.lineCount > 0) logs.push({ recordId: record.id, type: record.type, name: record.name, attempt: record.attempt, ...size });
      }
      return { logs };
    });

    app.get<{ Params: LogParams; Querystring: LogQuery }>('/api/runs/:id/logs/:recordId', async (request, reply) => {
      const runId = await existingRun(context, request.params.id);
      const { recordId } = request.params;
      const range = {
        from: optionalPositive(request.query.from, 'from'),
        to: optionalPositive(request.query.to, 'to'),
        limit: optionalPositive(request.query.limit, 'limit'),
      };
      const attempt = await logAttempt(context, runId, recordId, request.query.attempt);
      const lines = await context.store.logs.read(runId, recordId, withoutUndefined(range), attempt);
      const size = await context.store.logs.size(runId, recordId, attempt);
      if (request.query.format === 'text') return reply.type('text/plain; charset=utf-8').send(lines.map((line) => `${line.text}\n`).join(''));
      return { recordId, attempt, lineCount: size.lineCount, byteSize: size.byteSize, lines };
    });

    app.get<{ Params: LogParams; Querystring: LogQuery }>('/api/runs/:id/logs/:recordId/stream', (request, reply) => streamLog(context, request, reply));
  },
};

/**
 * Sends the record's lines from `from` (or after the `Last-Event-ID` a
 * reconnecting EventSource sends) as `event: line` with the line number as
 * id, then `event: end` once the record has completed and every line is sent.
 */
async function streamLog(context: ServerContext, request: FastifyRequest<{ Params: LogParams; Querystring: LogQuery }>, reply: FastifyReply): Promise<void> {
  const runId = await existingRun(context, request.params.id);
  const { recordId } = request.params;
  const lastEventId = optionalPositive(request.headers['last-event-id'], 'Last-Event-ID');
  const fromLine = lastEventId === undefined ? (optionalPositive(request.query.from, 'from') ?? 1) : lastEventId + 1;
  const attempt = await logAttempt(context, runId, recordId, request.query.attempt);

  const stream = openEventStream(request, reply);
  const signal = AbortSignal.any([stream.signal, context.shutdownSignal]);
  try {
    const lines = context.store.logs.follow(runId, recordId, { attempt, fromLine, signal, isDone: () => recordFinished(context, runId, recordId, attempt) });
    for await (const line of lines) stream.send('line', line, line.lineNumber);
    if (!signal.aborted) stream.send('end', { recordId });
  } catch (error) {
    context.logger.error({ runId, recordId, err: error }, 'log stream failed');
  } finally {
    stream.close();
  }
}

/** True when the record's attempt has completed, or when its run has and the record never will. */
async function recordFinished(context: ServerContext, runId: number, recordId: string, attempt: number): Promise<boolean> {
  const record = await context.store.timeline.get(runId, recordId, attempt);
  if (record?.state === 'completed') return true;
  const run = await context.store.runs.get(runId);
  return run === undefined || run.status === 'completed';
}

/**
 * Returns the run attempt whose log a request reads: `?attempt=N` when given, else the
 * record's latest attempt in the timeline (a job reused by a re-run keeps the
 * attempt that ran it), else 1. An unknown record of a completed run, or an attempt
 * the record does not have, is SRV003.
 */
async function logAttempt(context: ServerContext, runId: number, recordId: string, text: string | undefined): Promise<number> {
  const requested = optionalPositive(text, 'attempt');
  const record = await context.store.timeline.get(runId, recordId, requested);
  if (requested === undefined && record === undefined && (await unknownRecordOfCompletedRun(context, runId, recordId))) {
    throw new ApiError('notFound', `run ${runId} has no record '${recordId}'`, `list the records with GET /api/runs/${runId}/timeline`);
  }
  if (requested === undefined) return record?.attempt ?? 1;
  if (record === undefined && requested > 1) {
    throw new ApiError('notFound', `record '${recordId}' of run ${runId} has no attempt ${requested}`, 'list the attempts with GET /api/runs/:id/timeline?attempt=N');
  }
  return requested;
}

/**
 * Returns true when a completed run has neither a timeline record nor a log under this id,
 * so a misspelt id is a 404 and not an empty log. While a run is queued or running
 * its records may still appear, so an unknown id reads as an empty log there.
 */
async function unknownRecordOfCompletedRun(context: ServerContext, runId: number, recordId: string): Promise<boolean> {
  if ((await context.store.runs.get(runId))?.status !== 'completed') return false;
  return (await context.store.logs.size(runId, recordId, 1)).lineCount === 0;
}

async function existingRun(context: ServerContext, idText: string): Promise<number> {
  const id = positiveId(idText, 'run id');
  if ((await context.store.runs.get(id)) === undefined) throw new ApiError('notFound', `run ${id} not found`);
  return id;
}

function withoutUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
