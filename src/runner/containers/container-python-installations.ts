import { posix } from 'node:path';
import { installationFromProbe, PYTHON_PROBE_SCRIPT, type PythonInstallation } from '../python-installations.js';
import { parseVersion } from '../version-range.js';
import type { ContainerJobSession, JobContainer } from './container-job-session.js';

/** Timeout of the one `exec` that lists and probes the interpreters of a container, in milliseconds. */
export const CONTAINER_PYTHON_SEARCH_TIMEOUT_MS = 60_000;

/** Search locations, given as paths in the container's file system. */
export interface ContainerPythonSearch {
  /** PATH inside the container, searched for `python3`, `python3.N`, `python` and `pypy3`. */
  searchPath: string;
  /** Tool cache folder inside the container. Its `Python/<version>/<arch>` folders need a `<arch>.complete` marker. */
  toolsDirectory?: string;
}

/**
 * POSIX shell script run in the container. It prints one tab-separated line per
 * candidate: `cache <tool> <folder>` for each completed tool cache folder, and
 * `path <executable> <probe JSON>` for each interpreter on PATH that ran the probe.
 * `readlink -f` removes duplicates such as /usr/bin/python3 and /usr/bin/python3.11.
 * $1 is the tool cache folder (may be empty) and $2 the probe's Python code.
 */
const SEARCH_SCRIPT = `
tools=$1
probe=$2
if [ -n "$tools" ]; then
  for tool in Python PyPy; do
    for marker in "$tools/$tool"/*/*.complete; do
      [ -f "$marker" ] || continue
      folder=\${marker%.complete}
      [ -d "$folder" ] && printf 'cache\\t%s\\t%s\\n' "$tool" "$folder"
    done
  done
fi
seen=:
saved_ifs=$IFS
IFS=:
set -f
for dir in $PATH; do
  IFS=$saved_ifs
  set +f
  [ -n "$dir" ] || continue
  for file in "$dir"/python3 "$dir"/python3.[0-9] "$dir"/python3.[0-9][0-9] "$dir"/python "$dir"/pypy3; do
    [ -f "$file" ] && [ -x "$file" ] || continue
    real=$(readlink -f "$file" 2>/dev/null) || real=$file
    case "$seen" in *":$real:"*) continue ;; esac
    seen="$seen$real:"
    output=$("$file" -c "$probe" 2>/dev/null) || continue
    printf 'path\\t%s\\t%s\\n' "$file" "$output"
  done
done
true
`;

function fromToolCache(tool: string, folder: string): PythonInstallation | undefined {
  const version = parseVersion(posix.basename(posix.dirname(folder)));
  if (!version) return undefined;
  return {
    version,
    implementation: tool === 'PyPy' ? 'pypy' : 'cpython',
    architecture: posix.basename(folder),
    installDirectory: folder,
    // UsePythonVersion puts the `bin` folder before the root on Linux (usepythonversion.ts of the task).
    pathDirectories: [posix.join(folder, 'bin'), folder],
    source: 'container tool cache',
  };
}

/** Parses the output of the search script: tool cache entries first, then PATH entries, in the order found. */
export function parseContainerPythonSearch(output: string): PythonInstallation[] {
  const cached: PythonInstallation[] = [];
  const onPath: PythonInstallation[] = [];
  for (const line of output.split('\n')) {
    const [kind, first, second] = line.split('\t');
    if (first === undefined || second === undefined) continue;
    if (kind === 'cache') {
      const installation = fromToolCache(first, second);
      if (installation) cached.push(installation);
    } else if (kind === 'path') {
      const installation = installationFromProbe(second, posix.dirname(first), 'container PATH');
      if (installation) onPath.push(installation);
    }
  }
  return [...cached, ...onPath];
}

/**
 * Lists the interpreters inside `container` with one `exec`: the completed
 * folders of the tool cache and every `python3`, `python3.N`, `python` and
 * `pypy3` on `search.searchPath` that runs the probe. Rejects with a
 * ContainerError when the engine call fails or times out.
 */
export async function findContainerPythonInstallations(
  session: ContainerJobSession,
  container: JobContainer,
  search: ContainerPythonSearch,
  signal?: AbortSignal,
): Promise<PythonInstallation[]> {
  const args = ['exec', '-e', `PATH=${search.searchPath}`, container.id, 'sh', '-c', SEARCH_SCRIPT, 'sh', search.toolsDirectory ?? '', PYTHON_PROBE_SCRIPT];
  const output = await session.engine.check(args, `list the Python interpreters in container '${container.alias}'`, {
    signal,
    timeoutMs: CONTAINER_PYTHON_SEARCH_TIMEOUT_MS,
  });
  return parseContainerPythonSearch(output);
}
