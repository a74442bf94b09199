import { statSync } from 'node:fs';
import { lstat, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { inflate } from 'node:zlib';

const inflateAsync = promisify(inflate);

// Reads a repository's HEAD, refs and loose commits from the files under `.git`
// without starting git, because each git process costs several milliseconds.
// Layouts: git-scm.com/docs/gitrepository-layout, git-scm.com/docs/git-pack-refs
// and git-scm.com/book/en/v2/Git-Internals-Git-Objects. Every reader returns
// undefined for anything it does not handle, and the caller then asks git.

/** Object id in hex: SHA-1 (40 digits) or SHA-256 (64 digits). */
const OBJECT_ID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

/** Environment variables that move the repository away from `<dir>/.git`, so only git itself can interpret them. */
const RELOCATING_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_INDEX_FILE', 'GIT_NAMESPACE'];

/** HEAD of a repository: a symbolic ref to a branch, or a detached commit. */
export type HeadState = { kind: 'symbolic'; ref: string } | { kind: 'detached'; commit: string };

/**
 * Returns `<dir>/.git` when it is a plain repository folder that this module can
 * read: a `.git` folder (not a `gitdir:` file) owned by the current user, format
 * version 0, no `core.worktree`, not bare, and no GIT_DIR-style variable set.
 * Returns undefined otherwise, so that git handles worktrees, submodules,
 * reftable and SHA-256 repositories and safe.directory checks itself.
 */
export async function plainGitDirectory(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  if (RELOCATING_VARIABLES.some((name) => env[name] !== undefined && env[name] !== '')) return undefined;
  const gitDir = join(dir, '.git');
  const stats = await lstat(gitDir).catch(() => undefined);
  if (!stats?.isDirectory()) return undefined;
  // git rejects a repository owned by another user unless safe.directory lists it.
  if (typeof process.getuid === 'function' && stats.uid !== process.getuid()) return undefined;

  const config = await readFile(join(gitDir, 'config'), 'utf8').catch(() => undefined);
  if (config === undefined || !isPlainConfig(config)) return undefined;
  const entries = await readdir(gitDir).catch(() => [] as string[]);
  if (!entries.includes('objects') || !entries.includes('refs') || !entries.includes('HEAD')) return undefined;
  // A `commondir` file marks a linked worktree's private folder.
  if (entries.includes('commondir')) return undefined;
  return gitDir;
}

/**
 * True when a repository config needs nothing beyond format version 0: no
 * `[extensions]` (which need version 1), no `core.worktree`, no `core.bare = true`
 * and no `[include]` or `[includeIf]` section.
 */
function isPlainConfig(config: string): boolean {
  const version = /^\s*repositoryformatversion\s*=\s*(\d+)\s*$/im.exec(config)?.[1];
  if (version !== undefined && version !== '0') return false;
  if (/^\s*\[\s*extensions\b/im.test(config)) return false;
  if (/^\s*worktree\s*=/im.test(config)) return false;
  // An included file could set any of these, and only git resolves includes.
  if (/^\s*\[\s*include/im.test(config)) return false;
  return !/^\s*bare\s*=\s*(true|yes|on|1)\s*$/im.test(config);
}

/** Reads HEAD; undefined when it is neither `ref: refs/…` nor an object id. */
export async function readHead(gitDir: string): Promise<HeadState | undefined> {
  const text = await readFile(join(gitDir, 'HEAD'), 'utf8').catch(() => '');
  const value = text.trim();
  if (value.startsWith('ref: ')) {
    const ref = value.slice('ref: '.length).trim();
    return ref.startsWith('refs/') ? { kind: 'symbolic', ref } : undefined;
  }
  return OBJECT_ID.test(value) ? { kind: 'detached', commit: value } : undefined;
}

/**
 * Reads `packed-refs` into a map from ref name to object id. Peeled lines
 * (`^<id>`) are skipped. Returns an empty map when the file is missing, and
 * undefined when a line is not in the documented format.
 */
export async function readPackedRefs(gitDir: string): Promise<Map<string, string> | undefined> {
  const refs = new Map<string, string>();
  let text: string;
  try {
    text = await readFile(join(gitDir, 'packed-refs'), 'utf8');
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ENOENT' ? refs : undefined;
  }
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#') || line.startsWith('^')) continue;
    const space = line.indexOf(' ');
    const id = line.slice(0, space);
    const name = line.slice(space + 1);
    if (space < 0 || !OBJECT_ID.test(id) || !name.startsWith('refs/')) return undefined;
    refs.set(name, id);
  }
  return refs;
}

/**
 * Resolves a ref such as `refs/heads/main` to an object id: the loose ref file
 * first, then `packed-refs`. Returns undefined when the ref does not exist, is
 * itself symbolic, or contains anything but an object id.
 */
export async function resolveRef(gitDir: string, ref: string, packed?: Map<string, string>): Promise<string | undefined> {
  const loose = await readFile(join(gitDir, ref), 'utf8').catch(() => undefined);
  if (loose !== undefined) {
    const value = loose.trim();
    return OBJECT_ID.test(value) ? value : undefined;
  }
  return (packed ?? (await readPackedRefs(gitDir)))?.get(ref);
}

/**
 * Lists the loose refs under `gitDir/<prefix>` (such as `refs/heads`) with their
 * object ids. Returns undefined when a ref file contains anything but an object id
 * (a symbolic ref, or a ref being written), so the caller can let git decide.
 */
export async function listLooseRefs(gitDir: string, prefix: string): Promise<Map<string, string> | undefined> {
  const refs = new Map<string, string>();
  const pending = [prefix];
  while (pending.length > 0) {
    const folder = pending.pop()!;
    const entries = await readdir(join(gitDir, folder), { withFileTypes: true }).catch(() => []);
    for (const entry of entries) {
      const name = `${folder}/${entry.name}`;
      if (entry.isDirectory()) {
        pending.push(name);
        continue;
      }
      // A `.lock` file is a ref update in progress, which only git can wait for.
      if (!entry.isFile() || entry.name.endsWith('.lock')) return undefined;
      const value = (await readFile(join(gitDir, name), 'utf8').catch(() => '')).trim();
      if (!OBJECT_ID.test(value)) return undefined;
      refs.set(name, value);
    }
  }
  return refs;
}

/**
 * Reads the message of a commit stored as a loose object. Returns undefined
 * when the object is packed, is not a commit, or names another encoding than
 * UTF-8 (git log would re-encode it).
 */
export async function readLooseCommitMessage(gitDir: string, commit: string): Promise<string | undefined> {
  if (!OBJECT_ID.test(commit)) return undefined;
  const compressed = await readFile(join(gitDir, 'objects', commit.slice(0, 2), commit.slice(2))).catch(() => undefined);
  if (compressed === undefined) return undefined;

  let raw: Buffer;
  try {
    raw = await inflateAsync(compressed);
  } catch {
    return undefined;
  }
  // A loose object is `<type> <size>\0<content>`.
  const headerEnd = raw.indexOf(0);
  if (headerEnd < 0 || !raw.subarray(0, headerEnd).toString('latin1').startsWith('commit ')) return undefined;
  const content = raw.subarray(headerEnd + 1).toString('utf8');

  // The headers end at the first empty line; the message follows it.
  const bodyStart = content.indexOf('\n\n');
  const headers = bodyStart < 0 ? content : content.slice(0, bodyStart);
  const encoding = /^encoding (.*)$/m.exec(headers)?.[1]?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== 'utf-8' && encoding !== 'utf8') return undefined;
  return bodyStart < 0 ? '' : content.slice(bodyStart + 2);
}

/** Identity of a file for a cheap "has it changed" test: inode, size and modification time. */
export function fileStamp(path: string): string {
  try {
    const stats = statSync(path);
    return `${stats.ino}:${stats.size}:${stats.mtimeMs}`;
  } catch {
    // Absent, or below a `.git` that is a file (a worktree or submodule): nothing to compare.
    return 'missing';
  }
}
