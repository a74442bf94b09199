import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const REPOSITORY_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The folder of real pipelines from public projects. It sits beside the
 * repository as `../shared/corpus`, both in a developer's checkout and in CI;
 * SLUICE_CORPUS overrides it. Missing, the corpus tests fail with this path
 * in the message instead of passing without checking anything.
 */
export const CORPUS_ROOT: string = [process.env.SLUICE_CORPUS, resolve(REPOSITORY_ROOT, '../shared/corpus'), '/work/shared/corpus'].find(
  (candidate): candidate is string => candidate !== undefined && existsSync(candidate),
) ?? resolve(REPOSITORY_ROOT, '../shared/corpus');
