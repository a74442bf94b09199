import { execFileSync } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Pipeline } from '../../src/store/pipeline-repository.js';
import type { Run } from '../../src/store/run-repository.js';
import { triggerRuntimeOf, type TriggerRuntime } from '../../src/server/triggers/trigger-runtime.js';
import type { TestServer } from '../server/server-test-helpers.js';

export const WEBHOOK_SECRET = 'webhook-secret-for-tests';
export const FORGE_TOKEN = 'forge-token-for-tests';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'webhooks');

/** Reads a webhook payload fixture as a plain object to modify. */
export function fixture(name: string): Record<string, any> {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8')) as Record<string, any>;
}

/** Runs git in a test repository and returns its trimmed output. */
export function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', timeout: 30_000 }).trim();
}

/** Returns the trigger runtime of a test server. */
export function runtimeOf(test: TestServer): TriggerRuntime {
  const runtime = triggerRuntimeOf(test.server.context);
  if (runtime === undefined) throw new Error('the webhook route module did not register');
  return runtime;
}

/** Adds a pipeline for the repository at `path` with the test webhook secret. */
export function addPipeline(test: TestServer, path: string, extra: { pollingIntervalSeconds?: number } = {}): Promise<Pipeline> {
  return test.server.store.pipelines.create({ name: `widget-${randomUUID().slice(0, 8)}`, repositoryUrl: path, webhookSecret: WEBHOOK_SECRET, ...extra });
}

/** Sends a GitHub delivery signed with `secret` (the test secret by default). */
export function sendGitHub(test: TestServer, pipelineId: number, event: string, body: unknown, options: { secret?: string; deliveryId?: string } = {}) {
  const payload = JSON.stringify(body);
  const signature = `sha256=${createHmac('sha256', options.secret ?? WEBHOOK_SECRET).update(payload).digest('hex')}`;
  return test.server.app.inject({
    method: 'POST',
    url: `/api/webhooks/${pipelineId}`,
    headers: {
      'content-type': 'application/json',
      'x-github-event': event,
      'x-github-delivery': options.deliveryId ?? randomUUID(),
      'x-hub-signature-256': signature,
    },
    payload,
  });
}

/** A GitHub push payload of `after` on `ref`, with the given commit messages. */
export function githubPush(ref: string, before: string, after: string, messages: string[] = ['change']): Record<string, any> {
  const body = fixture('github-push.json');
  body.ref = ref;
  body.before = before;
  body.after = after;
  body.created = /^0+$/.test(before);
  body.commits = messages.map((message, index) => ({ id: index === messages.length - 1 ? after : `${index}`.padStart(40, 'a'), message, added: [], removed: [], modified: ['README.md'] }));
  body.head_commit = body.commits[body.commits.length - 1];
  return body;
}

/** A GitHub pull_request payload from a branch of the same repository. */
export function githubPullRequest(action: string, number: number, source: string, head: string, target = 'main'): Record<string, any> {
  const body = fixture('github-pull-request-fork.json');
  body.action = action;
  body.number = number;
  body.pull_request.number = number;
  body.pull_request.draft = false;
  body.pull_request.head.ref = source;
  body.pull_request.head.sha = head;
  body.pull_request.head.repo = { ...body.pull_request.base.repo };
  body.pull_request.base.ref = target;
  return body;
}

/** Lists the runs of a pipeline, oldest first. */
export async function runsOf(test: TestServer, pipelineId: number): Promise<Run[]> {
  const runs = await test.server.store.runs.list({ pipelineId, limit: 500 });
  return runs.reverse();
}

/** One request the fake forge received. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, string>;
}

/**
 * An HTTP server on 127.0.0.1 that plays a forge's status API: it records
 * each request and answers 201, or 500 for the first `failFirst` requests.
 */
export async function startFakeForge(options: { failFirst?: number } = {}): Promise<{ url: string; requests: RecordedRequest[]; close(): Promise<void> }> {
  const requests: RecordedRequest[] = [];
  let failures = options.failFirst ?? 0;
  const server: Server = createHttpServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        response.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"temporarily unavailable"}');
        return;
      }
      requests.push({ method: request.method ?? '', url: request.url ?? '', headers: request.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
      response.writeHead(201, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
