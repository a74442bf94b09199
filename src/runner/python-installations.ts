import { execFile } from 'node:child_process';
import { access, readdir, realpath, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parseVersion, type Version } from './version-range.js';

const execFileAsync = promisify(execFile);

/** Most time one interpreter found on PATH may take to report its version. */
export const PYTHON_PROBE_TIMEOUT_MS = 10_000;

/** An interpreter UsePythonVersion can choose. */
export interface PythonInstallation {
  /** The Python language version (for PyPy too: `pypy3.9-7.3.11` is 3.9). */
  version: Version;
  implementation: 'cpython' | 'pypy';
  /** `x64`, `x86` or `arm64`, as UsePythonVersion's `architecture` input spells them. */
  architecture: string;
  /** The value of `pythonLocation`: the installation's root folder. */
  installDirectory: string;
  /** Folders to put in front of PATH, first one first. */
  pathDirectories: string[];
  /** Place the installation was found in. The `container` sources are paths inside a job container, not on the host. */
  source: 'tool cache' | 'pyenv' | 'uv' | 'PATH' | 'container tool cache' | 'container PATH';
}

/** Folders searched for interpreters; a folder that does not exist is skipped. */
export interface PythonSearchLocations {
  /** Agent.ToolsDirectory; its `Python/<version>/<arch>` folders need a `<arch>.complete` marker. */
  toolsDirectory?: string;
  /** pyenv roots; `versions/*` under each is searched. */
  pyenvRoots: string[];
  /** uv's managed-Python folder (`cpython-3.12.1-linux-x86_64-gnu` entries). */
  uvPythonDirectory?: string;
  /** PATH to probe for `python3`, `python` and `pypy3`; undefined skips PATH. */
  searchPath?: string;
}

/** Maps Node's `process.arch` to the `architecture` input's values. */
export function hostPythonArchitecture(cpu: string = process.arch): string {
  const names: Record<string, string> = { x64: 'x64', ia32: 'x86', arm64: 'arm64' };
  return names[cpu] ?? cpu;
}

/** Maps `platform.machine()` or a uv folder's machine part (`x86_64`, `aarch64`) to the `architecture` input's values. */
export function machineToArchitecture(machine: string): string {
  const names: Record<string, string> = { x86_64: 'x64', amd64: 'x64', i686: 'x86', i386: 'x86', x86: 'x86', aarch64: 'arm64', arm64: 'arm64' };
  return names[machine.toLowerCase()] ?? machine.toLowerCase();
}

/** Returns the default search locations: $PYENV_ROOT and ~/.pyenv, uv's data folder and PATH. */
export function defaultPythonSearchLocations(environment: NodeJS.ProcessEnv, toolsDirectory?: string): PythonSearchLocations {
  const home = homedir();
  const pyenvRoots = [environment.PYENV_ROOT, join(home, '.pyenv')].filter((root): root is string => !!root);
  const dataHome = environment.XDG_DATA_HOME || join(home, '.local', 'share');
  return {
    toolsDirectory,
    pyenvRoots: [...new Set(pyenvRoots)],
    uvPythonDirectory: environment.UV_PYTHON_INSTALL_DIR || join(dataHome, 'uv', 'python'),
    searchPath: environment.PATH,
  };
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

async function listDirectory(path: string | undefined): Promise<string[]> {
  if (!path) return [];
  return readdir(path).catch(() => []);
}

function binDirectories(root: string): string[] {
  // UsePythonVersion puts the `Scripts` (Windows) or `bin` folder before the root (usepythonversion.ts).
  return process.platform === 'win32' ? [join(root, 'Scripts'), root] : [join(root, 'bin'), root];
}

async function findInToolCache(toolsDirectory: string | undefined): Promise<PythonInstallation[]> {
  if (!toolsDirectory) return [];
  const found: PythonInstallation[] = [];
  for (const [toolName, implementation] of [
    ['Python', 'cpython'],
    ['PyPy', 'pypy'],
  ] as const) {
    const toolRoot = join(toolsDirectory, toolName);
    for (const versionName of await listDirectory(toolRoot)) {
      const version = parseVersion(versionName);
      if (!version) continue;
      for (const architecture of await listDirectory(join(toolRoot, versionName))) {
        if (architecture.endsWith('.complete')) continue;
        if (!(await exists(join(toolRoot, versionName, `${architecture}.complete`)))) continue;
        const installDirectory = join(toolRoot, versionName, architecture);
        found.push({ version, implementation, architecture, installDirectory, pathDirectories: binDirectories(installDirectory), source: 'tool cache' });
      }
    }
  }
  return found;
}

async function findInPyenv(roots: string[]): Promise<PythonInstallation[]> {
  const found: PythonInstallation[] = [];
  for (const root of roots) {
    for (const name of await listDirectory(join(root, 'versions'))) {
      const pypy = /^pypy(\d+\.\d+)-[\d.]+$/.exec(name);
      const version = parseVersion(pypy ? pypy[1]! : name);
      if (!version) continue;
      const installDirectory = join(root, 'versions', name);
      if (!(await exists(join(installDirectory, 'bin')))) continue;
      found.push({
        version,
        implementation: pypy ? 'pypy' : 'cpython',
        architecture: hostPythonArchitecture(),
        installDirectory,
        pathDirectories: binDirectories(installDirectory),
        source: 'pyenv',
      });
    }
  }
  return found;
}

async function findInUv(directory: string | undefined): Promise<PythonInstallation[]> {
  const found: PythonInstallation[] = [];
  for (const name of await listDirectory(directory)) {
    const match = /^(cpython|pypy)-(\d+\.\d+\.\d+[a-z0-9]*)(?:\+\w+)?-[^-]+-([^-]+)-/.exec(name);
    if (!match) continue;
    const version = parseVersion(match[2]!);
    if (!version) continue;
    const installDirectory = join(directory!, name);
    found.push({
      version,
      implementation: match[1] === 'pypy' ? 'pypy' : 'cpython',
      architecture: machineToArchitecture(match[3]!),
      installDirectory,
      pathDirectories: binDirectories(installDirectory),
      source: 'uv',
    });
  }
  return found;
}

/** Python code that prints `[version, implementation, machine, prefix]` as one JSON line. It needs Python 3.3 or later (`sys.implementation`), so older interpreters are not listed. */
export const PYTHON_PROBE_SCRIPT =
  'import json, platform, sys; print(json.dumps([platform.python_version(), sys.implementation.name, platform.machine(), sys.prefix]))';

/**
 * Parses the output of PYTHON_PROBE_SCRIPT into an installation whose PATH
 * folder is `executableDirectory`. Returns undefined for output that is not
 * the expected JSON or has no valid version.
 */
export function installationFromProbe(output: string, executableDirectory: string, source: PythonInstallation['source']): PythonInstallation | undefined {
  let fields: unknown;
  try {
    fields = JSON.parse(output.trim());
  } catch {
    return undefined;
  }
  if (!Array.isArray(fields) || fields.length !== 4 || !fields.every((field) => typeof field === 'string')) return undefined;
  const [versionText, implementation, machine, prefix] = fields as [string, string, string, string];
  const version = parseVersion(versionText.replace(/\+$/, ''));
  if (!version) return undefined;
  return {
    version,
    implementation: implementation === 'pypy' ? 'pypy' : 'cpython',
    architecture: machineToArchitecture(machine),
    installDirectory: prefix,
    pathDirectories: [executableDirectory],
    source,
  };
}

async function probeInterpreter(executable: string): Promise<PythonInstallation | undefined> {
  try {
    const { stdout } = await execFileAsync(executable, ['-c', PYTHON_PROBE_SCRIPT], { timeout: PYTHON_PROBE_TIMEOUT_MS, killSignal: 'SIGKILL' });
    return installationFromProbe(stdout, dirname(executable), 'PATH');
  } catch {
    return undefined;
  }
}

async function findOnPath(searchPath: string | undefined): Promise<PythonInstallation[]> {
  if (!searchPath) return [];
  const names = process.platform === 'win32' ? ['python.exe', 'pypy3.exe'] : ['python3', 'python', 'pypy3'];
  const seen = new Set<string>();
  const found: PythonInstallation[] = [];
  for (const directory of searchPath.split(delimiter)) {
    // pyenv shims only forward to interpreters the pyenv search already lists.
    if (directory === '' || /[\\/]shims$/.test(directory)) continue;
    for (const name of names) {
      const candidate = join(directory, name);
      const real = await realpath(candidate).catch(() => undefined);
      if (!real || seen.has(real)) continue;
      if (!(await access(real, constants.X_OK).then(() => true, () => false))) continue;
      seen.add(real);
      const installation = await probeInterpreter(candidate);
      if (installation) found.push(installation);
    }
  }
  return found;
}

/** Lists every interpreter in the tool cache, pyenv, uv and on PATH, in that order. */
export async function findPythonInstallations(locations: PythonSearchLocations): Promise<PythonInstallation[]> {
  return [
    ...(await findInToolCache(locations.toolsDirectory)),
    ...(await findInPyenv(locations.pyenvRoots)),
    ...(await findInUv(locations.uvPythonDirectory)),
    ...(await findOnPath(locations.searchPath)),
  ];
}
