import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { bundleCli } from '../../scripts/bundle-cli.js';

/** Root of the Sluice repository. */
export const REPOSITORY_ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * A private install of the `sluice` command: the repository's own
 * bin/sluice.js and bin/package.json, package.json, and dist/bundle built from
 * the current src/ by the same function as `npm run build`, without a code
 * cache. It lives under node_modules/.cache so that node resolves the external
 * packages from the repository's node_modules, and so that this test never
 * overwrites the dist/ folder another build may be writing at the same time.
 */
export interface SluiceInstall {
  /** Path of bin/sluice.js inside the install; run it with `node`. */
  bin: string;
  /** Deletes the install. */
  remove(): void;
}

/** Builds the install for one test file; `name` keeps parallel test files apart. */
export async function buildSluiceInstall(name: string): Promise<SluiceInstall> {
  const root = join(REPOSITORY_ROOT, 'node_modules', '.cache', `sluice-e2e-${name}-${process.pid}`);
  rmSync(root, { recursive: true, force: true });
  mkdirSync(join(root, 'bin'), { recursive: true });
  copyFileSync(join(REPOSITORY_ROOT, 'bin', 'sluice.js'), join(root, 'bin', 'sluice.js'));
  // bin/package.json marks bin/sluice.js as CommonJS inside a package of ES modules.
  copyFileSync(join(REPOSITORY_ROOT, 'bin', 'package.json'), join(root, 'bin', 'package.json'));
  // main.ts reads the version from ../../package.json relative to dist/bundle.
  copyFileSync(join(REPOSITORY_ROOT, 'package.json'), join(root, 'package.json'));
  await bundleCli(join(root, 'dist', 'bundle'));
  return { bin: join(root, 'bin', 'sluice.js'), remove: () => rmSync(root, { recursive: true, force: true }) };
}
