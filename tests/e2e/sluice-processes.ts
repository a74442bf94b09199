import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';

/** A `sluice serve` or `sluice agent` child process and what it printed. */
export interface SluiceProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code, or the signal name, once the process has exited. */
  exited: Promise<number | string>;
  /** Sends SIGTERM (SIGKILL after `graceMs`) and waits for the exit. */
  stop(graceMs?: number): Promise<number | string>;
}

/** A running server: its base URL and the admin token it printed at first start. */
export interface ServeProcess extends SluiceProcess {
  baseUrl: string;
  adminToken: string;
}

/** Returns a TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function spawnSluice(bin: string, args: string[], env: NodeJS.ProcessEnv): SluiceProcess {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop(graceMs = 15_000) {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
        try {
          return await exited;
        } finally {
          clearTimeout(timer);
        }
      }
      return exited;
    },
  };
}

/**
 * Starts `node bin/sluice.js serve --no-local-agent` on 127.0.0.1:`port` and
 * waits for "Sluice is listening on URL" on standard error. The admin token is
 * read from standard output, where serve prints it once at first start.
 */
export async function startServe(bin: string, options: { dataDir: string; port: number; database?: string; env?: NodeJS.ProcessEnv }): Promise<ServeProcess> {
  const args = ['serve', '--data', options.dataDir, '--listen', `127.0.0.1:${options.port}`, '--no-local-agent'];
  if (options.database !== undefined) args.push('--database', options.database);
  const started = spawnSluice(bin, args, { ...process.env, ...options.env });
  const baseUrl = await new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const match = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(started.stderr());
      if (match !== null) resolve(match[1]!);
    };
    started.child.stderr!.on('data', check);
    void started.exited.then((code) => reject(new Error(`sluice serve exited with ${code} before listening:\n${started.stderr()}\n${started.stdout()}`)));
  });
  const adminToken = /Admin token[^:]*: (\S+)/.exec(started.stdout())?.[1];
  if (adminToken === undefined) {
    await started.stop();
    throw new Error(`sluice serve printed no admin token:\n${started.stdout()}`);
  }
  return { ...started, baseUrl, adminToken };
}

/** Starts `node bin/sluice.js agent` with its own work folder. */
export function startAgent(bin: string, options: { url: string; token: string; name: string; work: string; pool?: string; capabilities?: string[] }): SluiceProcess {
  const args = ['agent', '--url', options.url, '--token', options.token, '--name', options.name, '--work', options.work, '--poll-wait', '5'];
  if (options.pool !== undefined) args.push('--pool', options.pool);
  for (const capability of options.capabilities ?? []) args.push('--capability', capability);
  return spawnSluice(bin, args, { ...process.env, SLUICE_LOG_LEVEL: 'debug' });
}

/** Runs a short `sluice` command to its end and returns its exit code and output. */
export function runSluice(bin: string, args: string[], cwd: string): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd, encoding: 'utf8', timeout: 60_000 }, (error, stdout, stderr) => {
      const exitCode = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ exitCode, stdout, stderr });
    });
  });
}
