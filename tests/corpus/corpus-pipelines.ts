import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CORPUS_ROOT } from '../helpers/corpus-root.js';

/** One entry of the corpus index.json. */
export interface CorpusEntry {
  repo: string;
  path: string;
  role: 'pipeline' | 'template';
  external_ref_details?: { alias: string; target_file_in_corpus?: string }[];
}

/**
 * Lists the corpus entries whose role is `pipeline`. A missing corpus throws,
 * so the corpus tests fail with its path instead of checking nothing.
 */
export function corpusPipelines(): CorpusEntry[] {
  const indexPath = path.join(CORPUS_ROOT, 'index.json');
  const entries = JSON.parse(readFileSync(indexPath, 'utf8')) as CorpusEntry[];
  return entries.filter((entry) => entry.role === 'pipeline');
}

/** Returns the name that tests give a pipeline: `owner/repo path`. */
export function pipelineName(entry: CorpusEntry): string {
  return `${entry.repo} ${entry.path}`;
}

/** Returns the folder (OWNER__REPO) that contains a corpus repository's files, which is the checkout root of its pipelines. */
export function repositoryFolder(repo: string): string {
  return path.join(CORPUS_ROOT, repo.replace('/', '__'));
}

/**
 * Returns the `--repository alias=PATH` values that a pipeline needs: one per external
 * template whose repository is in the corpus. `target_file_in_corpus` is
 * `owner/repo/path/in/repo`, so its first two segments name the repository.
 */
export function repositoriesOf(entry: CorpusEntry): Record<string, string> {
  const repositories: Record<string, string> = {};
  for (const reference of entry.external_ref_details ?? []) {
    if (!reference.target_file_in_corpus) continue;
    const [owner, name] = reference.target_file_in_corpus.split('/');
    repositories[reference.alias] = repositoryFolder(`${owner}/${name}`);
  }
  return repositories;
}

/** Returns the golden file name of a pipeline's expanded YAML: `owner__repo__path__in__repo.yml` with `/` as `__`. */
export function goldenFileName(entry: CorpusEntry): string {
  const flat = `${entry.repo}/${entry.path}`.replaceAll('/', '__');
  return flat.replace(/\.ya?ml$/, '') + '.yml';
}
