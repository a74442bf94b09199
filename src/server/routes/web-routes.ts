import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { dirname, extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyReply } from 'fastify';
import { ApiError } from '../api-error.js';
import type { RouteModule } from '../route-module.js';

/** Environment variable that points the server at another built web UI folder (tests, packagers). */
export const WEB_DIR_ENV = 'SLUICE_WEB_DIR';

/** Content types of the files a Vite build writes; anything else is sent as bytes. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2',
};

/**
 * Content-Security-Policy of the UI's pages: every request stays on this
 * server. Inline styles are allowed because ansi_up writes 256-color and
 * true-color log text as `style` attributes.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data: blob:",
  "style-src 'self' 'unsafe-inline'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** Settings of `createWebRoutes`. */
export interface WebRoutesOptions {
  /** Folder of the built UI (with index.html); default `$SLUICE_WEB_DIR`, else the package's `dist/web`. */
  directory?: string;
}

/**
 * Serves the built web UI at `/` without a token, because the files contain
 * no data and the UI requests a token from the user before it calls the API.
 * Paths that are not files get index.html, so client-side routes such as
 * `/runs/7` load the UI; paths under `/api/` keep the API's JSON 404.
 */
export function createWebRoutes(options: WebRoutesOptions = {}): RouteModule {
  return {
    name: 'web',
    register(app, context) {
      const directory = options.directory ?? process.env[WEB_DIR_ENV] ?? findBuiltWebDirectory();
      if (directory === undefined || !existsSync(join(directory, 'index.html'))) {
        context.logger.warn({ directory }, 'web ui not built; run npm run build to serve it');
      }

      app.get('/*', { config: { access: 'public' } }, async (request, reply) => {
        const path = request.url.split('?')[0] ?? '/';
        if (path === '/api' || path.startsWith('/api/')) {
          throw new ApiError('notFound', `no route GET ${path}`, 'see docs/api.md for the routes');
        }
        if (directory === undefined || !existsSync(join(directory, 'index.html'))) {
          return reply.status(503).type('text/plain; charset=utf-8').send('The Sluice web UI is not built. Run `npm run build`, then restart the server.\n');
        }
        return sendWebFile(reply, directory, path);
      });
    },
  };
}

/** The web UI route module that `createServer` registers. */
export const webRoutes: RouteModule = createWebRoutes();

/**
 * Finds `dist/web` of the Sluice package by walking up from this module,
 * which runs from `src/server/routes` (tests), `dist/server/routes` (tsc) or
 * `dist/bundle` (esbuild). Returns undefined when no folder has index.html.
 */
export function findBuiltWebDirectory(): string | undefined {
  let folder = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(folder, 'dist', 'web');
    if (existsSync(join(candidate, 'index.html'))) return candidate;
    const parent = dirname(folder);
    if (parent === folder) return undefined;
    folder = parent;
  }
}

async function sendWebFile(reply: FastifyReply, directory: string, urlPath: string): Promise<FastifyReply> {
  const root = resolve(directory);
  const file = await existingFile(root, urlPath);
  if (file !== undefined) return sendFile(reply, file, urlPath.startsWith('/assets/'));

  // A missing script or stylesheet gets a 404, not index.html, which the browser would report as a MIME type error.
  if (extname(urlPath) !== '') {
    return reply.status(404).type('text/plain; charset=utf-8').send(`no file ${urlPath} in the web UI\n`);
  }
  return sendFile(reply, join(root, 'index.html'), false);
}

/** Returns the absolute path of a regular file under `root` named by the URL path, or undefined. */
async function existingFile(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const file = resolve(root, `.${decoded}`);
  // resolve() removes `..` segments, so anything outside the UI folder is rejected here.
  if (!file.startsWith(root + sep)) return undefined;
  try {
    const info = await stat(file);
    return info.isFile() ? file : undefined;
  } catch {
    return undefined;
  }
}

function sendFile(reply: FastifyReply, file: string, isHashedAsset: boolean): FastifyReply {
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
  // Vite puts a content hash in every name under assets/, so those never change; index.html must be checked each time.
  reply.header('cache-control', isHashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache');
  reply.header('x-content-type-options', 'nosniff');
  if (type.startsWith('text/html')) {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('referrer-policy', 'no-referrer');
  }
  return reply.type(type).send(createReadStream(file));
}
