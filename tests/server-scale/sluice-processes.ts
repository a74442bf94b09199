import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const SLUICE_BIN = resolve(import.meta.dirname, '..', '..', 'bin', 'sluice.js');

/** A `node bin/sluice.js …` child process with its collected output. */
export interface SluiceProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code or signal name once the process has exited. */
  exited: Promise<number | string>;
}

/** A `sluice serve` process that is listening. */
export interface ServeProcess extends SluiceProcess {
  baseUrl: string;
  /** Pino JSON lines of the server's standard output, parsed. */
  logLines(): Array<Record<string, unknown>>;
}

/** Starts `node bin/sluice.js <args>`; the bundle must have been built (`npm run build`). */
export function startSluice(args: string[], env: Record<string, string> = {}): SluiceProcess {
  const child = spawn(process.execPath, [SLUICE_BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolveExit) => child.once('exit', (code, signal) => resolveExit(code ?? signal ?? 'unknown')));
  return { child, stdout: () => stdout, stderr: () => stderr, exited };
}

/** Starts `sluice serve` on a free loopback port without the built-in agent and waits until it listens. */
export async function startServe(options: { dataDir: string; databaseUrl: string; env?: Record<string, string> }): Promise<ServeProcess> {
  const process = startSluice(['serve', '--data', options.dataDir, '--database', options.databaseUrl, '--listen', '127.0.0.1:0', '--no-local-agent'], options.env);
  const baseUrl = await new Promise<string>((resolveUrl, reject) => {
    const timer = setInterval(() => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(process.stderr());
      if (match === null) return;
      clearInterval(timer);
      resolveUrl(match[1]!);
    }, 20);
    void process.exited.then((code) => {
      clearInterval(timer);
      reject(new Error(`sluice serve exited with ${code} before listening:\n${process.stderr()}\n${process.stdout()}`));
    });
  });
  return {
    ...process,
    baseUrl,
    logLines: () =>
      process
        .stdout()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

/** Starts `sluice agent` against one server with a short heartbeat and long-poll. */
export function startAgent(options: { url: string; token: string; name: string; root: string }): SluiceProcess {
  return startSluice(
    ['agent', '--url', options.url, '--token', options.token, '--name', options.name, '--work', join(options.root, `work-${options.name}`), '--heartbeat-interval', '300', '--poll-wait', '2'],
    { SLUICE_LOG_LEVEL: 'info' },
  );
}

/** Stops a process with `signal` unless it has exited, and waits for the exit. */
export async function stopProcess(process: SluiceProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (process.child.exitCode !== null || process.child.signalCode !== null) return;
  process.child.kill(signal);
  await process.exited;
}

/** Calls a server's API with a token and returns the status and the parsed JSON (or text) body. */
export async function callApi(baseUrl: string, token: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, body: isJson ? JSON.parse(text) : text };
}

/** Polls until `check` returns a value other than undefined; the test's timeout bounds the wait. */
export async function waitFor<T>(check: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((resolveWait) => setTimeout(resolveWait, intervalMs));
  }
}
