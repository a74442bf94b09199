import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { createServer, type ServerOptions, type SluiceServer } from '../../src/server/create-server.js';
import type { Run } from '../../src/store/run-repository.js';

/** A git repository in a temp folder with one commit on `main`. */
export interface TestRepository {
  path: string;
  commit: string;
  /** Writes files and commits them; returns the new commit. */
  commitFiles(files: Record<string, string>, message?: string): string;
}

/** Creates a real git repository with `files` committed on branch `main`. */
export function createTestRepository(root: string, files: Record<string, string>): TestRepository {
  const path = join(root, 'repo');
  mkdirSync(path, { recursive: true });
  git(path, ['init', '--quiet', '--initial-branch=main']);
  git(path, ['config', 'user.email', 'test@example.invalid']);
  git(path, ['config', 'user.name', 'Sluice Test']);
  const commitFiles = (changes: Record<string, string>, message = 'change'): string => {
    for (const [name, text] of Object.entries(changes)) {
      mkdirSync(dirname(join(path, name)), { recursive: true });
      writeFileSync(join(path, name), text);
    }
    git(path, ['add', '--all']);
    git(path, ['commit', '--quiet', '-m', message]);
    return git(path, ['rev-parse', 'HEAD']).trim();
  };
  const commit = commitFiles(files, 'first commit');
  return { path, commit, commitFiles };
}

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', timeout: 30_000 });
}

/** A server on a temp data folder with its admin token; `cleanup` closes it and deletes the folder. */
export interface TestServer {
  server: SluiceServer;
  root: string;
  dataDir: string;
  adminToken: string;
  /** Sends a request through fastify's inject with the admin token (or `token`). */
  request(method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, body?: unknown, token?: string): Promise<LightMyRequestResponse>;
  cleanup(): Promise<void>;
}

/** Starts a server in-process with short poll intervals and a silent logger. */
export async function startTestServer(options: Partial<ServerOptions> & { root?: string } = {}): Promise<TestServer> {
  const root = options.root ?? mkdtempSync(join(tmpdir(), 'sluice-server-'));
  const dataDir = options.dataDir ?? join(root, 'data');
  let adminToken = '';
  const server = await createServer({
    logger: pino({ level: 'silent' }),
    pollMs: 50,
    shutdownGraceMs: 10_000,
    ...options,
    dataDir,
    onAdminToken: (token) => {
      adminToken = token;
      options.onAdminToken?.(token);
    },
  });
  return {
    server,
    root,
    dataDir,
    get adminToken() {
      return adminToken;
    },
    request(method, url, body, token) {
      const headers: Record<string, string> = { authorization: `Bearer ${token ?? adminToken}` };
      return server.app.inject({ method, url, headers, ...(body === undefined ? {} : { payload: body as object }) });
    },
    async cleanup() {
      await server.close();
      if (options.root === undefined) rmSync(root, { recursive: true, force: true });
    },
  };
}

/** Polls the API until the run has completed; the test's own timeout bounds the wait. */
export async function waitForRunCompletion(test: Pick<TestServer, 'request'>, runId: number, token?: string): Promise<Run> {
  for (;;) {
    const response = await test.request('GET', `/api/runs/${runId}`, undefined, token);
    const run = response.json() as Run;
    if (run.status === 'completed') return run;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls until `check` returns a value other than undefined. */
export async function waitUntil<T>(check: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
