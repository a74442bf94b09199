import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Folder that keeps built root file systems (tar files) across test runs, so only
 * the first run on a machine pays for debootstrap. Override with SLUICE_TEST_IMAGE_CACHE.
 */
export const TEST_IMAGE_CACHE_DIR = process.env.SLUICE_TEST_IMAGE_CACHE ?? '/var/cache/sluice-test-images';

/** Most time one debootstrap may take, in milliseconds; a first build downloads about 60 packages. */
export const ROOTFS_BUILD_TIMEOUT_MS = 20 * 60_000;

/** How to build one Debian root file system; the tarball's cache key is a hash of it. */
export interface RootfsRecipe {
  suite: string;
  variant: string;
  mirror: string;
  include: string[];
  /** Bumped when the steps after debootstrap change, so an old tarball is not reused. */
  revision: number;
}

/**
 * One root file system serves both test images: python3 and postgresql-client for
 * the job container, the PostgreSQL server for the service container.
 */
export const TEST_ROOTFS_RECIPE: RootfsRecipe = {
  suite: 'bookworm',
  variant: 'minbase',
  mirror: 'http://deb.debian.org/debian',
  include: ['postgresql', 'postgresql-client', 'python3'],
  revision: 2,
};

/** Returns the cache key of a recipe: the first 16 hex digits of its SHA-256. */
export function recipeKey(recipe: RootfsRecipe): string {
  return createHash('sha256').update(JSON.stringify(recipe)).digest('hex').slice(0, 16);
}

const KEY = recipeKey(TEST_ROOTFS_RECIPE);

/** Job image: bash, coreutils, python3 and psql; no ENTRYPOINT, like the images Azure's container jobs expect. */
export const TEST_JOB_IMAGE = `sluice-test/python-job:${KEY}`;

/**
 * Service image: PostgreSQL 15 run as the `postgres` user, trust authentication,
 * listening on 127.0.0.1:5432 only, with a Docker HEALTHCHECK (pg_isready).
 */
export const TEST_POSTGRES_IMAGE = `sluice-test/postgres:${KEY}`;

/** Start script of the service image: a fresh cluster on every start keeps the container stateless. */
const POSTGRES_START_SCRIPT = `#!/bin/bash
set -e
/usr/lib/postgresql/15/bin/initdb -D /tmp/pgdata -U postgres --auth=trust >/dev/null
exec /usr/lib/postgresql/15/bin/postgres -D /tmp/pgdata -c listen_addresses=127.0.0.1 -c unix_socket_directories=/tmp
`;

const POSTGRES_DOCKERFILE = `FROM ${TEST_JOB_IMAGE}
COPY sluice-postgres /usr/local/bin/sluice-postgres
HEALTHCHECK --interval=1s --timeout=5s --retries=30 CMD pg_isready -h 127.0.0.1 -U postgres
USER postgres
CMD ["/usr/local/bin/sluice-postgres"]
`;

/**
 * Returns the path of the recipe's root file system tarball, building it with
 * debootstrap when the cache has none. The tarball is written under a temporary
 * name and renamed, so an interrupted build never leaves a truncated cache entry.
 */
export function ensureRootfsTarball(recipe: RootfsRecipe = TEST_ROOTFS_RECIPE): string {
  mkdirSync(TEST_IMAGE_CACHE_DIR, { recursive: true });
  const tarball = join(TEST_IMAGE_CACHE_DIR, `rootfs-${recipeKey(recipe)}.tar`);
  if (existsSync(tarball)) return tarball;

  const rootfs = mkdtempSync(join(TEST_IMAGE_CACHE_DIR, `build-${recipeKey(recipe)}-`));
  const partial = `${tarball}.${process.pid}.partial`;
  try {
    execFileSync(
      'debootstrap',
      [`--variant=${recipe.variant}`, `--include=${recipe.include.join(',')}`, recipe.suite, rootfs, recipe.mirror],
      { stdio: ['ignore', 'ignore', 'pipe'], timeout: ROOTFS_BUILD_TIMEOUT_MS },
    );
    // Downloaded packages and index files are not needed in the image and double its size.
    rmSync(join(rootfs, 'var/cache/apt/archives'), { recursive: true, force: true });
    rmSync(join(rootfs, 'var/lib/apt/lists'), { recursive: true, force: true });
    mkdirSync(join(rootfs, 'var/lib/apt/lists/partial'), { recursive: true });
    execFileSync('tar', ['-C', rootfs, '-cf', partial, '.'], { stdio: ['ignore', 'ignore', 'pipe'] });
    renameSync(partial, tarball);
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
    rmSync(partial, { force: true });
  }
  return tarball;
}

/** The CLI that ensureTestImages drives: Docker through DOCKER_HOST, or Podman through CONTAINERS_CONF. */
export type TestImageEngine = 'docker' | 'podman';

function imagePresent(engine: TestImageEngine, env: NodeJS.ProcessEnv, image: string): boolean {
  try {
    execFileSync(engine, ['image', 'inspect', image], { env, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes sure the engine that `env` selects (DOCKER_HOST for Docker, CONTAINERS_CONF
 * for Podman) has TEST_JOB_IMAGE and TEST_POSTGRES_IMAGE: imports the cached root
 * file system and builds the service image on top of it (no network needed: FROM is local).
 */
export function ensureTestImages(env: NodeJS.ProcessEnv, engine: TestImageEngine = 'docker'): void {
  if (!imagePresent(engine, env, TEST_JOB_IMAGE)) {
    const tarball = ensureRootfsTarball();
    execFileSync(engine, ['import', tarball, TEST_JOB_IMAGE], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  }
  if (!imagePresent(engine, env, TEST_POSTGRES_IMAGE)) {
    const context = mkdtempSync(join(tmpdir(), 'sluice-postgres-image-'));
    try {
      writeFileSync(join(context, 'Dockerfile'), POSTGRES_DOCKERFILE);
      writeFileSync(join(context, 'sluice-postgres'), POSTGRES_START_SCRIPT, { mode: 0o755 });
      // The classic builder needs no BuildKit component, which Debian ships separately. Podman keeps HEALTHCHECK only
      // in the Docker image format, and must not try a registry for the local base image.
      const engineArgs = engine === 'podman' ? ['--format', 'docker', '--pull=never'] : [];
      execFileSync(engine, ['build', '--quiet', '--network', 'none', ...engineArgs, '-t', TEST_POSTGRES_IMAGE, context], {
        env: { ...env, DOCKER_BUILDKIT: '0' },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
    } finally {
      rmSync(context, { recursive: true, force: true });
    }
  }
}
