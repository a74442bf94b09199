#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts) into dist/bundle with esbuild. Commands are
// split into chunks that main.ts imports lazily, so `sluice run` loads only
// what a local run needs.
//
// The packages in BUNDLED_PACKAGES are loaded on every start: bundling them
// saves Node resolving and compiling their many CommonJS files one by one (the
// `yaml` package alone took 20–40 ms to require here). Every other dependency
// stays external: native addons (better-sqlite3), packages that load files or
// workers by path at run time (pino, fastify), and the rest, which only the
// server or single tasks need.
import { readFileSync } from 'node:fs';
import { build } from 'esbuild';

const BUNDLED_PACKAGES = new Set(['yaml', 'commander', 'picomatch']);

const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
const external = Object.keys(manifest.dependencies).filter((name) => !BUNDLED_PACKAGES.has(name));

await build({
  entryPoints: ['src/cli/main.ts'],
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  splitting: true,
  outdir: 'dist/bundle',
  external,
  // Bundled CommonJS code calls require() for Node's own modules, which an ES module lacks.
  banner: { js: "import { createRequire as createSluiceRequire } from 'node:module';\nconst require = createSluiceRequire(import.meta.url);" },
  logLevel: 'warning',
});
