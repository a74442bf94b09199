import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';

const REPOSITORY_ROOT = join(import.meta.dirname, '..', '..');

/** Inside the repository, so the bundle resolves its external packages from node_modules. */
const BUNDLE_FOLDER = join(REPOSITORY_ROOT, 'node_modules', '.cache', 'sluice-server-tests');

/** Bundles serve-entry.ts with esbuild and returns the path of the bundle. */
export async function bundleServeEntry(): Promise<string> {
  mkdirSync(BUNDLE_FOLDER, { recursive: true });
  const outfile = join(BUNDLE_FOLDER, `serve-entry-${process.pid}.mjs`);
  await build({
    entryPoints: [join(import.meta.dirname, 'serve-entry.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

/** A `sluice serve` child process and what it has printed. */
export interface ServeProcess {
  child: ChildProcess;
  baseUrl: string;
  /** The admin token, printed at first start only. */
  adminToken?: string;
  stdout(): string;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<number | string>;
  /** Resolves once stdout contains `text`. */
  waitForOutput(text: string): Promise<void>;
}

/** Starts the bundle on `dataDir` on a free loopback port and waits until it listens. */
export async function startServeProcess(bundle: string, dataDir: string): Promise<ServeProcess> {
  const child = spawn(process.execPath, [bundle, dataDir, '127.0.0.1:0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const waiters: Array<{ text: string; resolve: () => void }> = [];
  const check = (): void => {
    for (const waiter of [...waiters]) {
      if (!stdout.includes(waiter.text)) continue;
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout!.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    check();
  });
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));

  const baseUrl = await new Promise<string>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString('utf8');
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (match !== null) resolve(match[1]!);
    });
    void exited.then((code) => reject(new Error(`sluice serve exited with ${code} before listening:\n${stderr}\n${stdout}`)));
  });

  return {
    child,
    baseUrl,
    adminToken: /Admin token[^:]*: (\S+)/.exec(stdout)?.[1],
    stdout: () => stdout,
    exited,
    waitForOutput(text) {
      if (stdout.includes(text)) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ text, resolve }));
    },
  };
}

/** Calls the API of a server process with a token; returns the parsed JSON body and status. */
export async function callApi(server: ServeProcess, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${server.baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, body: await response.json() };
}
