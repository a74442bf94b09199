#!/usr/bin/env node
// Bundles the CLI (src/cli/main.ts) twice into dist/bundle, for the two ways
// bin/sluice.js starts it:
// - main.cjs, one CommonJS file, with a V8 code cache written beside it. Short
//   commands such as `sluice run` compile it with vm.Script and hand V8 the
//   bytecode cached by an earlier process; Node 20 offers no such cache for ES
//   modules. On this machine the cache brought the first step of a local run
//   about 40 ms closer to the start.
// - main.js and its chunks, ES modules split by command. `sluice serve` and
//   `sluice agent` load these, so a long-running process holds only its own
//   code: the whole CLI in one file cost an idle agent 9 MB more memory.
//
// The packages in BUNDLED_PACKAGES are loaded on every start, or cannot be
// loaded with require() (@octokit/webhooks-methods is an ES module only), so
// they go into the bundle. Every other dependency stays external: native
// addons (better-sqlite3), packages that load files or workers by path at run
// time (pino, fastify), and the rest, which only the server or single tasks need.
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const REPOSITORY_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BUNDLED_PACKAGES = new Set(['yaml', 'commander', 'picomatch', '@octokit/webhooks-methods']);

/**
 * Bundles src/cli/main.ts into `<outdir>/main.cjs` and into `<outdir>/main.js`
 * with its chunks. The first line of main.cjs is a comment with a new build id,
 * which names its code cache: a cache written for an earlier bundle is never
 * used for this one.
 */
export async function bundleCli(outdir) {
  const buildId = randomUUID();
  const manifest = JSON.parse(readFileSync(join(REPOSITORY_ROOT, 'package.json'), 'utf8'));
  const common = {
    entryPoints: [join(REPOSITORY_ROOT, 'src', 'cli', 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    external: Object.keys(manifest.dependencies).filter((name) => !BUNDLED_PACKAGES.has(name)),
    logLevel: 'warning',
  };
  await build({
    ...common,
    format: 'esm',
    splitting: true,
    outdir,
    // Bundled CommonJS code calls require() for Node's own modules, which an ES module lacks.
    banner: { js: "import { createRequire as createSluiceRequire } from 'node:module';\nconst require = createSluiceRequire(import.meta.url);" },
  });
  const outfile = join(outdir, 'main.cjs');
  await build({
    ...common,
    format: 'cjs',
    outfile,
    // The sources are ES modules; in a CommonJS bundle import.meta.url becomes the bundle's own URL.
    // src/cli/build-id.ts reads the build id.
    define: { 'import.meta.url': '__sluiceBundleUrl', __SLUICE_BUILD_ID__: JSON.stringify(buildId) },
    banner: {
      js: `// sluice-build ${buildId}\nconst __sluiceBundleUrl = require('node:url').pathToFileURL(__filename).href;`,
    },
  });
  assertNoDynamicImport(outfile);
}

/**
 * Throws when the CommonJS bundle calls import(). bin/sluice.js compiles it with a
 * code cache, and in Node 20 a function restored from a code cache has no dynamic
 * import callback, so such a call would fail only in a warm start.
 */
function assertNoDynamicImport(file) {
  const lines = readFileSync(file, 'utf8').split('\n');
  const found = lines.findIndex((line) => /(^|[^\w.$])import\(/.test(line) && !/^\s*(\/\/|\*)/.test(line));
  if (found >= 0) {
    throw new Error(`${file}:${found + 1}: the CommonJS bundle calls import(), which fails in functions restored from the code cache; load the module with createRequire(import.meta.url) instead`);
  }
}

const WARM_UP_PIPELINE = `variables:
  greeting: hello
stages:
  - stage: Build
    jobs:
      - job: Legs
        strategy:
          matrix:
            one: { leg: '1' }
            two: { leg: '2' }
        steps:
          - script: echo "##vso[task.setvariable variable=seen;isOutput=true]$(greeting) $(leg)"
            name: say
            condition: and(succeeded(), ne(variables['leg'], '3'))
          - bash: echo "\${{ variables.greeting }}"
            displayName: Read $(greeting)
  - stage: After
    jobs:
      - job: Last
        steps:
          - script: 'true'
`;

/**
 * Runs `sluice run --output json` once on a small pipeline in a temporary git
 * repository with SLUICE_WRITE_CODE_CACHE set, so that bin/sluice.js saves the
 * bytecode of everything a local run compiled. Returns an error message, or
 * undefined when the cache was written.
 */
export function writeCodeCache(binPath) {
  const folder = mkdtempSync(join(tmpdir(), 'sluice-code-cache-'));
  try {
    const repository = join(folder, 'repo');
    const git = (...args) => spawnSync('git', args, { cwd: repository, encoding: 'utf8', env: gitEnvironment() });
    spawnSync('git', ['init', '--quiet', '--initial-branch=main', repository], { encoding: 'utf8' });
    writeFileSync(join(repository, 'azure-pipelines.yml'), WARM_UP_PIPELINE);
    git('add', '--all');
    const commit = git('commit', '--quiet', '-m', 'warm-up');
    if (commit.status !== 0) return `git could not commit the warm-up pipeline: ${commit.stderr || commit.error}`;
    const run = spawnSync(process.execPath, [binPath, 'run', '--output', 'json', '--work-dir', join(folder, 'work')], {
      cwd: repository,
      encoding: 'utf8',
      env: { ...process.env, SLUICE_WRITE_CODE_CACHE: '1' },
    });
    if (run.status !== 0) return `the warm-up run exited with code ${run.status}: ${(run.stderr || String(run.error)).slice(-2000)}`;
    return undefined;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}

function gitEnvironment() {
  return {
    ...process.env,
    GIT_AUTHOR_NAME: 'Sluice Build',
    GIT_AUTHOR_EMAIL: 'build@sluice.invalid',
    GIT_COMMITTER_NAME: 'Sluice Build',
    GIT_COMMITTER_EMAIL: 'build@sluice.invalid',
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await bundleCli(join(REPOSITORY_ROOT, 'dist', 'bundle'));
  const failure = writeCodeCache(join(REPOSITORY_ROOT, 'bin', 'sluice.js'));
  // The CLI works without the cache, only starts slower, so the build goes on.
  if (failure !== undefined) process.stderr.write(`warning: no code cache for the CLI bundle: ${failure}\n`);
}
