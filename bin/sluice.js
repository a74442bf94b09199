#!/usr/bin/env node
// Entry point of the `sluice` command. `npm run build` bundles the CLI twice
// (scripts/bundle-cli.js):
// - dist/bundle/main.cjs, one CommonJS file with V8's code cache saved beside
//   it. Short commands compile it with that cache, so a start skips parsing and
//   compiling most of the code a run needs (Node 20 has no such cache for ES
//   modules). A missing cache, or one V8 rejects (another Node version), only
//   makes the start slower.
// - dist/bundle/main.js, ES modules split by command. The long-running
//   commands load these, because they keep only their own code in memory.
//
// This file is CommonJS (bin/package.json declares it), because an ES module entry
// makes Node set up its ES module loader and build an ES facade of every
// built-in module it imports, before any of this runs.
'use strict';

const { readFileSync, renameSync, unlinkSync, writeFileSync } = require('node:fs');
const { createRequire } = require('node:module');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');
const vm = require('node:vm');

const bundleDirectory = join(__dirname, '..', 'dist', 'bundle');
const bundlePath = join(bundleDirectory, 'main.cjs');

/**
 * Returns the path of this bundle's code cache. Its name carries the build id from
 * the bundle's first line (`// sluice-build ID`), because V8 checks only the
 * source's length before it uses a cache.
 */
function cachePathOf(source) {
  const firstLine = source.slice(0, source.indexOf('\n'));
  const match = /^\/\/ sluice-build ([0-9a-f-]+)$/.exec(firstLine);
  return match ? join(bundleDirectory, `main.${match[1]}.cache`) : undefined;
}

function loadBundle() {
  // esbuild writes code as ASCII (it escapes other characters in strings), so latin1
  // decodes it exactly and faster than UTF-8; only comments may read differently.
  const source = readFileSync(bundlePath, 'latin1');
  const cachePath = cachePathOf(source);
  let cachedData;
  try {
    if (cachePath !== undefined) cachedData = readFileSync(cachePath);
  } catch {
    // No cache yet: compile from source.
  }
  // NOTE: the bundle must not call import(): in Node 20 a function restored from a code cache
  // has no dynamic-import callback, so import() throws there. scripts/bundle-cli.js checks this.
  const script = new vm.Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundlePath,
    cachedData,
  });
  const bundleModule = { exports: {} };
  script.runInThisContext()(bundleModule.exports, createRequire(bundlePath), bundleModule, bundlePath, bundleDirectory);

  // Set by scripts/bundle-cli.js: keep the bytecode of everything this process compiled.
  if (process.env.SLUICE_WRITE_CODE_CACHE === '1' && cachePath !== undefined) {
    process.once('exit', () => {
      const pending = `${cachePath}.${process.pid}.tmp`;
      try {
        writeFileSync(pending, script.createCachedData());
        renameSync(pending, cachePath);
      } catch (error) {
        process.stderr.write(`sluice: could not write the code cache ${cachePath}: ${error.message}\n`);
        try {
          unlinkSync(pending);
        } catch {
          // Nothing was written.
        }
      }
    });
  }
  return bundleModule.exports;
}

/** Commands that keep running, for which memory counts more than start-up time. */
const LONG_RUNNING_COMMANDS = new Set(['serve', 'agent']);

async function start() {
  const { main } = LONG_RUNNING_COMMANDS.has(process.argv[2]) ? await import(pathToFileURL(join(bundleDirectory, 'main.js')).href) : loadBundle();
  process.exitCode = await main(process.argv.slice(2));
}

start().catch((error) => {
  process.stderr.write(`sluice: ${error && error.stack ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
