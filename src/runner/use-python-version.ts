import { compareVersions, formatVersion, parseRange, satisfiesRange } from './version-range.js';
import type { PythonInstallation } from './python-installations.js';

/** Inputs of a UsePythonVersion request, after defaults (task.json of UsePythonVersionV0). */
export interface PythonRequest {
  versionSpec: string;
  architecture: string;
  allowUnstable: boolean;
}

/** Wording of the no-match error. The defaults describe a search on the host. */
export interface PythonSelectionContext {
  /** Name of the place searched, for example `container 'python'`. */
  location?: string;
  /** The last sentence of the error: how to make a matching version available. */
  installHint?: string;
}

/** Default advice when no host interpreter matches. */
const HOST_INSTALL_HINT =
  `Install a matching version (for example with 'pyenv install'), or put it under ` +
  `$AGENT_TOOLSDIRECTORY/Python/<version>/<arch> with a '<arch>.complete' file next to that folder.`;

/** The chosen interpreter, or why none was chosen. */
export type PythonSelection = { ok: true; installation: PythonInstallation } | { ok: false; message: string };

/** Splits `pypy3.9` into the implementation and the version range (`3.9`); `pypy3` means any PyPy for Python 3. */
function parseSpec(versionSpec: string): { implementation: 'cpython' | 'pypy'; range: string } {
  const spec = versionSpec.trim();
  const pypy = /^pypy(\d+(?:\.\d+)?)?$/i.exec(spec);
  if (pypy) return { implementation: 'pypy', range: pypy[1] ?? '*' };
  return { implementation: 'cpython', range: spec };
}

function describe(installation: PythonInstallation): string {
  const name = installation.implementation === 'pypy' ? `pypy ${formatVersion(installation.version)}` : formatVersion(installation.version);
  return `${name} ${installation.architecture} (${installation.source}: ${installation.installDirectory})`;
}

/**
 * Chooses the newest installation that matches `versionSpec` and `architecture`.
 * When versions tie, the earlier source wins (tool cache, pyenv, uv, PATH). When
 * nothing matches, the message lists every installation that was found, with
 * the location and advice from `context`.
 */
export function selectPython(request: PythonRequest, installations: PythonInstallation[], context: PythonSelectionContext = {}): PythonSelection {
  const { implementation, range } = parseSpec(request.versionSpec);
  if (range === '' || !parseRange(range)) {
    return { ok: false, message: `UsePythonVersion: versionSpec '${request.versionSpec}' is not a valid version or range; use for example '3.11', '3.x', '>= 3.9' or 'pypy3'` };
  }

  const architecture = request.architecture.toLowerCase();
  const matches = installations.filter(
    (installation) =>
      installation.implementation === implementation &&
      installation.architecture === architecture &&
      satisfiesRange(installation.version, range, request.allowUnstable),
  );
  let best: PythonInstallation | undefined;
  for (const candidate of matches) {
    if (!best || compareVersions(candidate.version, best.version) > 0) best = candidate;
  }
  if (best) return { ok: true, installation: best };

  const listed = installations.length === 0 ? 'none' : installations.map(describe).join('; ');
  return {
    ok: false,
    message:
      `UsePythonVersion: no Python matching versionSpec '${request.versionSpec}' with architecture '${request.architecture}' was found` +
      `${context.location ? ` in ${context.location}` : ''}. Found: ${listed}. ${context.installHint ?? HOST_INSTALL_HINT}`,
  };
}
