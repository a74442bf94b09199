import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runFileOperations, type FileOperation } from '../file-batch.js';
import { listLooseRefs, plainGitDirectory, readHead, readPackedRefs, resolveRef } from '../git-files.js';

const execFileAsync = promisify(execFile);

/** Maximum time the one `git config` query of a run may take before it is killed. */
const CONFIG_QUERY_TIMEOUT_MS = 30_000;

/** Name that `git clone` gives the source remote unless clone.defaultRemoteName sets another. */
const REMOTE = 'origin';

/**
 * Contents of the `.git` folder that `git clone --shared --no-checkout SOURCE`
 * would write, read from the source's files once per run so that each job's
 * checkout writes it without starting git.
 */
export interface SharedClonePlan {
  /** The source work tree, as the clone's `remote.origin.url`. */
  sourceRoot: string;
  /** The source's object folder, which the clone borrows through `objects/info/alternates`. */
  objectsDirectory: string;
  /** Branch that the source's HEAD names, such as `refs/heads/main`. */
  headRef: string;
  headCommit: string;
  /** The source's branches (`refs/heads/…`) and tags (`refs/tags/…`) with their object ids. */
  refs: Map<string, string>;
}

/**
 * Reads a SharedClonePlan for the work tree at `sourceRoot`. Returns undefined
 * when only `git clone` itself can produce the same repository, which is when:
 * - the source is not a plain `.git` folder (see plainGitDirectory);
 * - its HEAD is detached or unborn, because clone then picks a branch by its own rules;
 * - a ref file is symbolic or locked;
 * - clone.*, init.* or GIT_TEMPLATE_DIR settings change what clone writes.
 */
export async function readSharedClonePlan(sourceRoot: string): Promise<SharedClonePlan | undefined> {
  if (process.env.GIT_TEMPLATE_DIR) return undefined;
  const [gitDir, plainSettings] = await Promise.all([plainGitDirectory(sourceRoot), hasPlainCloneSettings()]);
  if (gitDir === undefined || !plainSettings) return undefined;

  const head = await readHead(gitDir);
  if (head?.kind !== 'symbolic' || !head.ref.startsWith('refs/heads/')) return undefined;
  const [packed, heads, tags] = await Promise.all([readPackedRefs(gitDir), listLooseRefs(gitDir, 'refs/heads'), listLooseRefs(gitDir, 'refs/tags')]);
  if (packed === undefined || heads === undefined || tags === undefined) return undefined;

  const refs = new Map<string, string>();
  for (const [name, id] of packed) if (name.startsWith('refs/heads/') || name.startsWith('refs/tags/')) refs.set(name, id);
  // A loose ref is newer than its packed copy.
  for (const [name, id] of [...heads, ...tags]) refs.set(name, id);

  const headCommit = await resolveRef(gitDir, head.ref, packed);
  if (headCommit === undefined || refs.get(head.ref) !== headCommit) return undefined;
  return { sourceRoot, objectsDirectory: join(gitDir, 'objects'), headRef: head.ref, headCommit, refs };
}

/**
 * True when no system or global `clone.*` or `init.*` setting is present, because
 * those change the remote name, the template (hooks) or the object format of a clone.
 * Runs from the temp folder, so the config of the source repository is not read.
 */
async function hasPlainCloneSettings(): Promise<boolean> {
  try {
    await execFileAsync('git', ['config', '--get-regexp', '^(clone|init)\\.'], {
      cwd: tmpdir(),
      timeout: CONFIG_QUERY_TIMEOUT_MS,
      killSignal: 'SIGKILL',
    });
    return false;
  } catch (error) {
    // Exit code 1 means that no setting matched; anything else leaves the decision to git clone.
    return (error as { code?: unknown }).code === 1;
  }
}

/**
 * Writes the `.git` folder that `git clone --shared --no-checkout` gives
 * `target`: HEAD on the source's branch, a config with the `origin` remote and
 * the branch's upstream, the source's branches as `refs/remotes/origin/*`, its
 * tags, and `objects/info/alternates` pointing at the source's objects. The
 * caller copies an index in. NOTE: unlike git clone, no reflogs, hook samples,
 * `description`, `info/exclude` or empty ref folders are written, and the branch
 * is packed, not loose; git works the same without them.
 */
export async function writeSharedClone(plan: SharedClonePlan, target: string): Promise<void> {
  await runFileOperations(sharedCloneOperations(plan, target));
}

/** The contents of the files writeSharedClone writes, which depend on the plan only. */
interface SharedCloneFiles {
  head: string;
  remoteHead: string;
  packedRefs: string;
  alternates: string;
  config: string;
}

/** Files by plan: every job of a run checks out the same plan, so they are built once. */
const filesOfPlan = new WeakMap<SharedClonePlan, SharedCloneFiles>();

function sharedCloneFiles(plan: SharedClonePlan): SharedCloneFiles {
  const known = filesOfPlan.get(plan);
  if (known !== undefined) return known;
  const branch = plan.headRef.slice('refs/heads/'.length);
  // The branch goes into packed-refs with the rest rather than into a loose file,
  // because a name such as `feature/work` would need folders. Git reads both alike.
  const packed: string[] = [`${plan.headCommit} ${plan.headRef}`];
  for (const [name, id] of plan.refs) {
    if (name.startsWith('refs/heads/')) packed.push(`${id} refs/remotes/${REMOTE}/${name.slice('refs/heads/'.length)}`);
    else packed.push(`${id} ${name}`);
  }
  // Git compares ref names byte by byte; without a `sorted` trait it would sort them itself anyway.
  packed.sort((a, b) => Buffer.compare(Buffer.from(a.slice(a.indexOf(' ') + 1)), Buffer.from(b.slice(b.indexOf(' ') + 1))));
  const files: SharedCloneFiles = {
    head: `ref: ${plan.headRef}\n`,
    remoteHead: `ref: refs/remotes/${REMOTE}/${branch}\n`,
    packedRefs: `# pack-refs with: sorted \n${packed.map((line) => `${line}\n`).join('')}`,
    alternates: `${plan.objectsDirectory}\n`,
    config: cloneConfig(plan.sourceRoot, branch),
  };
  filesOfPlan.set(plan, files);
  return files;
}

/** Returns the file operations of writeSharedClone, for a caller that batches them with others. */
export function sharedCloneOperations(plan: SharedClonePlan, target: string): FileOperation[] {
  const gitDir = join(target, '.git');
  const remoteRefs = join(gitDir, 'refs', 'remotes', REMOTE);
  const files = sharedCloneFiles(plan);
  // Git creates refs/heads, refs/tags and objects/pack when it first writes there,
  // so only the folders that hold a file are made.
  return [
    { kind: 'mkdir', path: join(gitDir, 'objects', 'info') },
    { kind: 'mkdir', path: remoteRefs },
    { kind: 'write', path: join(gitDir, 'HEAD'), content: files.head },
    { kind: 'write', path: join(remoteRefs, 'HEAD'), content: files.remoteHead },
    { kind: 'write', path: join(gitDir, 'packed-refs'), content: files.packedRefs },
    { kind: 'write', path: join(gitDir, 'objects', 'info', 'alternates'), content: files.alternates },
    { kind: 'write', path: join(gitDir, 'config'), content: files.config },
  ];
}

/**
 * Push URL of the copy's `origin`: a path below /dev/null, which cannot exist, so
 * a step's `git push` fails with "does not appear to be a git repository" instead
 * of writing into the user's checkout. On Azure such a push fails too, for want of
 * credentials, unless the checkout sets persistCredentials.
 */
export const NO_PUSH_URL = '/dev/null/sluice-local-runs-do-not-push';

/**
 * Returns the config that `git clone` writes on Linux and macOS file systems, which
 * support file modes and symlinks, with the push URL of NO_PUSH_URL added.
 */
function cloneConfig(sourceRoot: string, branch: string): string {
  return [
    '[core]',
    '\trepositoryformatversion = 0',
    '\tfilemode = true',
    '\tbare = false',
    '\tlogallrefupdates = true',
    `[remote "${configSubsection(REMOTE)}"]`,
    `\turl = ${configValue(sourceRoot)}`,
    `\tpushurl = ${NO_PUSH_URL}`,
    `\tfetch = +refs/heads/*:refs/remotes/${REMOTE}/*`,
    `[branch "${configSubsection(branch)}"]`,
    `\tremote = ${REMOTE}`,
    `\tmerge = ${configValue(`refs/heads/${branch}`)}`,
    '',
  ].join('\n');
}

/** Escapes a config subsection name: `"` and `\` get a backslash (git-scm.com/docs/git-config, "Syntax"). */
function configSubsection(name: string): string {
  return name.replace(/["\\]/g, (character) => `\\${character}`);
}

/**
 * Writes a config value so git reads it back unchanged: backslash, quote, tab
 * and newline are escaped, and a value with `#`, `;` or surrounding blanks is quoted.
 */
function configValue(value: string): string {
  const escaped = value.replace(/[\\"\t\n]/g, (character) => ({ '\\': '\\\\', '"': '\\"', '\t': '\\t', '\n': '\\n' })[character] ?? character);
  return /[#;]|^\s|\s$/.test(value) ? `"${escaped}"` : escaped;
}
